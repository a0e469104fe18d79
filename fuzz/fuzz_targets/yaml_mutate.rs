//! Structure-aware mutations: changes a planner could make to a site file,
//! one line at a time, so that most mutants still parse as YAML and reach
//! the decoder, the validator and the engine (byte flips mostly stop at the
//! parser). Half of libFuzzer's mutations go through here; the rest are its
//! own byte-level ones.

/// Field names of the format (docs/format.md).
const KEYS: &[&str] = &[
    "after",
    "available",
    "burn_in",
    "correlation",
    "crews",
    "days_per_rack",
    "depreciation_years",
    "discount_rate",
    "duration",
    "facility_life_years",
    "facility_usd_per_mw",
    "finance",
    "floor_usd_per_gpu_hour",
    "from",
    "generation",
    "generations",
    "gpus_per_rack",
    "group",
    "halls",
    "horizon",
    "install",
    "it_mw",
    "kind",
    "lag",
    "lead_time",
    "mw",
    "name",
    "not_before",
    "ordered",
    "orders",
    "parity_ratio",
    "power",
    "power_on",
    "power_usd_per_mwh",
    "pricing",
    "pue",
    "rack_kw",
    "racks",
    "racks_per_week",
    "ready",
    "risks",
    "rivals",
    "scarcity_premium",
    "site",
    "start",
    "successor_step",
    "tasks",
    "until",
    "usd_per_gpu",
    "usd_per_gpu_hour",
    "utilization",
    "yearly_decline",
    "probability",
    "delay",
    "task",
    "rho",
    "members",
];

/// Values at the edges of what each field accepts, and past them.
const VALUES: &[&str] = &[
    "0",
    "1",
    "-1",
    "0.5",
    "1.0000001",
    "1e308",
    "-1e308",
    "1e-320",
    ".nan",
    ".inf",
    "-.inf",
    "4294967295",
    "4294967296",
    "18446744073709551616",
    "9223372036854775807",
    "~",
    "''",
    "[]",
    "{}",
    "[a, b]",
    "*anchor",
    "&anchor 1",
    "!!binary aGk=",
    "2025-01-01",
    "0001-01-01",
    "9999-12-31",
    "2025-02-30",
    "1899-12-31",
    "2201-01-01",
    "0d",
    "1d",
    "36500d",
    "36501d",
    "100y",
    "1000000y",
    "-5d",
    "9mo",
    "0.5w",
    "1e9d",
    "{ pert: [1d, 2d, 3d] }",
    "{ pert: [3d, 2d, 1d] }",
    "{ triangular: [1d, 1d, 1d] }",
    "{ uniform: [0d, 0d] }",
    "{ lognormal: { p50: 10d, p90: 5d } }",
    "{ lognormal: { p50: 0d, p90: 100y } }",
    "{ fixed: 10d }",
    "construction",
    "permitting",
    "interconnection",
    "GB200",
    "GB300",
    "H100",
    "VR200",
    "land",
    "shell-1",
    "grid",
    "energize",
    "[land, land]",
    "{ task: land, lag: -1d }",
    "{ task: nowhere, lag: 1d }",
];

/// A small deterministic generator from libFuzzer's seed.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 33) as usize % n.max(1)
    }

    fn pick<'a>(&mut self, list: &[&'a str]) -> &'a str {
        list[self.below(list.len())]
    }
}

/// A mutant of `input` (the mode byte, then YAML text), or `None` when the
/// text has no lines to work on.
pub fn mutate(input: &[u8], seed: u32) -> Option<Vec<u8>> {
    let (&mode, text) = input.split_first()?;
    let text = String::from_utf8_lossy(text);
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    if lines.is_empty() {
        return None;
    }
    let mut rng = Rng(u64::from(seed) | 1 << 40);
    let i = rng.below(lines.len());
    let indent = lines[i].len() - lines[i].trim_start().len();
    match rng.below(7) {
        // A new value for a key.
        0 => {
            let line = &lines[i];
            let value = rng.pick(VALUES);
            lines[i] = match line.find(':') {
                Some(c) => format!("{}: {value}", &line[..c]),
                None => format!("{}- {value}", " ".repeat(indent)),
            };
        }
        // Another key for a value.
        1 => {
            let line = &lines[i];
            if let Some(c) = line.find(':') {
                lines[i] = format!("{}{}{}", " ".repeat(indent), rng.pick(KEYS), &line[c..]);
            }
        }
        2 => {
            lines.remove(i);
        }
        // A repeated line: a duplicate key, or one more list item.
        3 => {
            let copy = lines[i].clone();
            lines.insert(i, copy);
        }
        // A line moved: a field into another block.
        4 => {
            let line = lines.remove(i);
            let j = rng.below(lines.len() + 1);
            lines.insert(j, line);
        }
        // Indentation changed by one level either way.
        5 => {
            lines[i] = if rng.below(2) == 0 || indent < 2 {
                format!("  {}", lines[i])
            } else {
                lines[i][2..].to_owned()
            };
        }
        // A block copied under a new id: more tasks, sources or orders.
        _ => {
            let end = (i + 1..lines.len())
                .find(|&k| {
                    let l = &lines[k];
                    !l.trim().is_empty() && l.len() - l.trim_start().len() <= indent
                })
                .unwrap_or(lines.len());
            let mut block: Vec<String> = lines[i..end].to_vec();
            if let Some(c) = block[0].find(':') {
                block[0] = format!("{}-{}{}", &block[0][..c], rng.below(100), &block[0][c..]);
            }
            let at = end;
            lines.splice(at..at, block);
        }
    }
    let mut out = vec![mode];
    out.extend_from_slice(lines.join("\n").as_bytes());
    out.push(b'\n');
    Some(out)
}
