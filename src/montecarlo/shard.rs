//! Sharded Monte Carlo: each machine runs one contiguous block of run
//! indices and writes its aggregates to a shard file; merging the shards adds
//! integers, so the merged `mc.json` is the bytes one machine would write
//! (docs/cluster.md).
//!
//! A shard file says what work it holds: the scenario's content hash, the
//! seed, the total run count, the shard's index and count, and the program
//! version. Merging refuses shards that disagree on any of them, a missing
//! or duplicated shard, and anything that is not a shard file.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Read as _;
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::stats::{Histogram, HistogramRecord};
use super::{Aggregate, McOptions, McResult, SENSITIVITY_RUNS, Samples, SiteAggregate};
use crate::scenario::Scenario;
use crate::scenario::load::SCENARIO_FILE;
use crate::scenario::market::RivalBuild;

pub const FORMAT: &str = "warmshell-mc-shard";
pub const VERSION: u32 = 1;
/// The program version written into shards; merging needs the same one.
pub const PROGRAM_VERSION: &str = env!("CARGO_PKG_VERSION");
/// More shards than any array job allows; a typo guard.
pub const MAX_SHARDS: u64 = 1_000_000;
/// Where `--shard auto/N` looks for its index, in this order: Slurm array
/// jobs, Kubernetes Indexed Jobs, AWS Batch array jobs.
pub const INDEX_VARS: [&str; 3] = [
    "SLURM_ARRAY_TASK_ID",
    "JOB_COMPLETION_INDEX",
    "AWS_BATCH_JOB_ARRAY_INDEX",
];
/// A shard of the default scenario is about 1 MB; far larger is not a shard.
pub const MAX_SHARD_BYTES: u64 = 256 * 1024 * 1024;

/// Why a shard cannot be run, read or merged. Every variant is the user's to fix.
#[derive(Debug, thiserror::Error)]
pub enum ShardError {
    #[error(
        "--shard auto/{count}: none of {} is set; run it as an array job, or give the index: --shard I/{count}",
        INDEX_VARS.join(", ")
    )]
    NoIndexVar { count: u64 },
    #[error("{var}=`{value}` is not a shard index (a whole number from 0)")]
    BadIndexVar { var: &'static str, value: String },
    #[error("--shard auto: {a}={a_value} but {b}={b_value}; unset one of them")]
    DisagreeingVars {
        a: &'static str,
        a_value: u64,
        b: &'static str,
        b_value: u64,
    },
    #[error(
        "shard index {index}{from} is not below the shard count {count}: shards are numbered 0 to {last} (for Slurm: --array=0-{last})",
        last = count.saturating_sub(1)
    )]
    IndexOutOfRange {
        index: u64,
        count: u64,
        from: String,
    },
    #[error("{}: cannot read: {source}", path.display())]
    Unreadable {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: not a warmshell shard file ({why})", path.display())]
    NotAShard { path: PathBuf, why: String },
    #[error("{}: a shard file of format version {found}; this warmshell reads version {VERSION}", path.display())]
    OtherFormat { path: PathBuf, found: u32 },
    #[error(
        "{}: written by warmshell {found}; this is warmshell {PROGRAM_VERSION}: merge with the version that ran the shards",
        path.display()
    )]
    OtherProgram { path: PathBuf, found: String },
    #[error("{}: damaged shard file: {why}", path.display())]
    Damaged { path: PathBuf, why: String },
    #[error("no shard files given")]
    NoShards,
    #[error(
        "{} and {} are from different {what} ({a} and {b}); merge only the shards of one `warmshell mc` command",
        first.display(), other.display()
    )]
    Mismatch {
        what: &'static str,
        first: PathBuf,
        other: PathBuf,
        a: String,
        b: String,
    },
    #[error(
        "shard {index} of {count} is given twice: {} and {}",
        a.display(), b.display()
    )]
    Duplicate {
        index: u64,
        count: u64,
        a: PathBuf,
        b: PathBuf,
    },
    #[error("{missing} of {count} shards missing: {indices} (given: {given})")]
    Missing {
        missing: u64,
        count: u64,
        indices: String,
        given: u64,
    },
    #[error(
        "the scenario in {} is not the one the shards ran on (scenario hash {now}; the shards have {then}): it has changed since, or is another; pass --scenario with the folder they ran on, or run them again",
        dir.display()
    )]
    ScenarioChanged {
        dir: PathBuf,
        now: String,
        then: String,
    },
}

/// `--shard I/N` or `--shard auto/N` as given; `index` is `None` for `auto`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShardSpec {
    pub index: Option<u64>,
    pub count: u64,
}

impl ShardSpec {
    /// Parses `I/N` or `auto/N` (0 <= I < N); the message suits a flag error.
    pub fn parse(s: &str) -> Result<ShardSpec, String> {
        let bad = || format!("expected I/N or auto/N with 0 <= I < N <= {MAX_SHARDS}, e.g. 3/16");
        let (i, n) = s.split_once('/').ok_or_else(bad)?;
        let count: u64 = n.trim().parse().map_err(|_| bad())?;
        if count == 0 || count > MAX_SHARDS {
            return Err(bad());
        }
        let index = match i.trim() {
            "auto" => None,
            i => {
                let i: u64 = i.parse().map_err(|_| bad())?;
                if i >= count {
                    return Err(format!(
                        "shard index {i} is not below the shard count {count} (shards are 0 to {})",
                        count - 1
                    ));
                }
                Some(i)
            }
        };
        Ok(ShardSpec { index, count })
    }

    /// The shard to run: the given index, or for `auto` the first of
    /// [`INDEX_VARS`] that `env` has (all that are set must agree).
    pub fn resolve(self, env: impl Fn(&str) -> Option<String>) -> Result<Shard, ShardError> {
        let count = self.count;
        if let Some(index) = self.index {
            return Ok(Shard { index, count });
        }
        let mut found: Option<(&'static str, u64)> = None;
        for var in INDEX_VARS {
            let Some(value) = env(var) else { continue };
            let index: u64 = value.trim().parse().map_err(|_| ShardError::BadIndexVar {
                var,
                value: value.clone(),
            })?;
            match found {
                Some((a, a_value)) if a_value != index => {
                    return Err(ShardError::DisagreeingVars {
                        a,
                        a_value,
                        b: var,
                        b_value: index,
                    });
                }
                Some(_) => {}
                None => found = Some((var, index)),
            }
        }
        let (var, index) = found.ok_or(ShardError::NoIndexVar { count })?;
        if index >= count {
            return Err(ShardError::IndexOutOfRange {
                index,
                count,
                from: format!(" (from {var})"),
            });
        }
        Ok(Shard { index, count })
    }
}

/// Shard `index` of `count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Shard {
    pub index: u64,
    pub count: u64,
}

impl Shard {
    /// Its run indices: `[index * runs / count, (index + 1) * runs / count)`,
    /// so blocks are contiguous, cover every run once and differ in size by at most one.
    pub fn block(self, runs: u64) -> Range<u64> {
        let at = |i: u64| (u128::from(i) * u128::from(runs) / u128::from(self.count.max(1))) as u64;
        at(self.index)..at(self.index + 1)
    }

    /// `shard-0003-of-0016.json`: sorts in index order.
    pub fn file_name(self) -> String {
        let width = self.count.to_string().len().max(4);
        format!(
            "shard-{:0width$}-of-{:0width$}.json",
            self.index, self.count
        )
    }
}

/// A stable content hash of the scenario: SHA-256 over each file it was
/// loaded from (scenario.yaml, the site files, the rival site files, in
/// that order), each as its path relative to the folder, then its bytes.
pub fn scenario_hash(dir: &Path, scenario: &Scenario) -> std::io::Result<String> {
    let mut files = vec![dir.join(SCENARIO_FILE)];
    files.extend(scenario.sites.iter().map(|s| s.file.clone()));
    files.extend(
        scenario
            .market
            .rivals
            .iter()
            .filter_map(|r| match &r.build {
                RivalBuild::Site(site) => Some(site.file.clone()),
                RivalBuild::Fixed { .. } => None,
            }),
    );
    let mut hash = Sha256::new();
    for path in files {
        let name = path.strip_prefix(dir).unwrap_or(&path);
        let name: Vec<String> = name
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        let bytes = std::fs::read(&path)?;
        hash.update((name.join("/").len() as u64).to_le_bytes());
        hash.update(name.join("/").as_bytes());
        hash.update((bytes.len() as u64).to_le_bytes());
        hash.update(&bytes);
    }
    let mut out = String::from("sha256:");
    for b in hash.finalize() {
        let _ = write!(out, "{b:02x}");
    }
    Ok(out)
}

/// A shard file: what work it is, then its aggregates.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ShardFile {
    pub format: String,
    pub version: u32,
    pub warmshell: String,
    pub scenario_hash: String,
    /// The scenario folder the shard ran on (absolute where possible): where
    /// `merge` looks for it when not told.
    pub scenario_dir: PathBuf,
    pub seed: u64,
    /// Runs of the whole Monte Carlo, all shards together.
    pub runs: u64,
    pub shard: Shard,
    /// This shard's runs: `first_run..end_run`.
    pub first_run: u64,
    pub end_run: u64,
    aggregate: AggregateRecord,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct AggregateRecord {
    runs: u64,
    sites: Vec<SiteRecord>,
    before_rival: Vec<u64>,
    /// Only runs below [`SENSITIVITY_RUNS`]: later shards carry none.
    sensitivity: BTreeMap<u64, Vec<u16>>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct SiteRecord {
    first_power_on: HistogramRecord,
    full_power_on: HistogramRecord,
    dark_total: HistogramRecord,
    dark_by_reason: [u128; 4],
    npv: HistogramRecord,
    task_finish: Vec<HistogramRecord>,
    critical: Vec<u64>,
    window_days: Vec<HistogramRecord>,
    premium: Vec<HistogramRecord>,
}

/// Runs shard `shard` of the Monte Carlo `options` describes.
pub fn run(
    scenario: &Scenario,
    scenario_hash: String,
    scenario_dir: PathBuf,
    options: McOptions,
    shard: Shard,
    progress: &(dyn Fn() + Sync),
) -> Result<ShardFile, rayon::ThreadPoolBuildError> {
    let block = shard.block(options.runs);
    let (agg, samples) = super::aggregate(scenario, options, block.clone(), progress)?;
    Ok(ShardFile {
        format: FORMAT.into(),
        version: VERSION,
        warmshell: PROGRAM_VERSION.into(),
        scenario_hash,
        scenario_dir,
        seed: options.seed,
        runs: options.runs,
        shard,
        first_run: block.start,
        end_run: block.end,
        aggregate: record(&agg, &samples),
    })
}

impl ShardFile {
    /// The file's bytes: compact JSON (the identity first), one line.
    pub fn to_bytes(&self) -> Result<Vec<u8>, serde_json::Error> {
        let mut bytes = serde_json::to_vec(self)?;
        bytes.push(b'\n');
        Ok(bytes)
    }

    /// Reads and checks one shard file (its own consistency, not the set's).
    pub fn read(path: &Path) -> Result<ShardFile, ShardError> {
        let unreadable = |source| ShardError::Unreadable {
            path: path.to_path_buf(),
            source,
        };
        let not_shard = |why: String| ShardError::NotAShard {
            path: path.to_path_buf(),
            why,
        };
        let meta = std::fs::metadata(path).map_err(unreadable)?;
        if !meta.is_file() {
            return Err(not_shard("not a regular file".into()));
        }
        let mut bytes = Vec::new();
        std::fs::File::open(path)
            .and_then(|f| f.take(MAX_SHARD_BYTES + 1).read_to_end(&mut bytes))
            .map_err(unreadable)?;
        if bytes.len() as u64 > MAX_SHARD_BYTES {
            return Err(not_shard(format!("over {MAX_SHARD_BYTES} bytes")));
        }
        Self::from_bytes(path, &bytes)
    }

    /// Parses a shard file's bytes; `path` names it in errors.
    pub fn from_bytes(path: &Path, bytes: &[u8]) -> Result<ShardFile, ShardError> {
        // The header alone first, so a file of another kind or version gets
        // that message rather than a parse error deep in the aggregates.
        #[derive(Deserialize)]
        struct Header {
            format: Option<serde_json::Value>,
            version: Option<serde_json::Value>,
            warmshell: Option<serde_json::Value>,
        }
        let not_shard = |why: String| ShardError::NotAShard {
            path: path.to_path_buf(),
            why,
        };
        let header: Header = serde_json::from_slice(bytes)
            .map_err(|e| not_shard(format!("not a JSON object: {e}")))?;
        match header.format.as_ref().and_then(|f| f.as_str()) {
            Some(FORMAT) => {}
            Some(other) => return Err(not_shard(format!("its format is `{other}`"))),
            None => return Err(not_shard(format!("no `format: {FORMAT}`"))),
        }
        let version = header.version.as_ref().and_then(serde_json::Value::as_u64);
        if version != Some(u64::from(VERSION)) {
            return Err(ShardError::OtherFormat {
                path: path.to_path_buf(),
                found: version.and_then(|v| u32::try_from(v).ok()).unwrap_or(0),
            });
        }
        let program = header.warmshell.as_ref().and_then(|v| v.as_str());
        if program != Some(PROGRAM_VERSION) {
            return Err(ShardError::OtherProgram {
                path: path.to_path_buf(),
                found: program.unwrap_or("(none)").to_owned(),
            });
        }
        let file: ShardFile = serde_json::from_slice(bytes).map_err(|e| ShardError::Damaged {
            path: path.to_path_buf(),
            why: e.to_string(),
        })?;
        let damaged = |why: String| ShardError::Damaged {
            path: path.to_path_buf(),
            why,
        };
        let s = file.shard;
        if s.count == 0 || s.count > MAX_SHARDS || s.index >= s.count {
            return Err(damaged(format!("shard {} of {}", s.index, s.count)));
        }
        let block = s.block(file.runs);
        if (file.first_run, file.end_run) != (block.start, block.end)
            || file.aggregate.runs != block.end - block.start
        {
            return Err(damaged(format!(
                "runs {}..{} ({} aggregated), but shard {} of {} of {} runs is {}..{}",
                file.first_run,
                file.end_run,
                file.aggregate.runs,
                s.index,
                s.count,
                file.runs,
                block.start,
                block.end
            )));
        }
        Ok(file)
    }
}

/// One shard file, read, with where it came from.
#[derive(Debug, Clone)]
pub struct ReadShard {
    pub path: PathBuf,
    pub file: ShardFile,
}

/// Checks that `shards` are exactly one Monte Carlo's shards, each once,
/// and returns them in index order.
pub fn check_set(mut shards: Vec<ReadShard>) -> Result<Vec<ReadShard>, ShardError> {
    let first = shards.first().ok_or(ShardError::NoShards)?.clone();
    for s in &shards[1..] {
        let differ = |what: &'static str, a: String, b: String| ShardError::Mismatch {
            what,
            first: first.path.clone(),
            other: s.path.clone(),
            a,
            b,
        };
        let (a, b) = (&first.file, &s.file);
        if a.scenario_hash != b.scenario_hash {
            return Err(differ(
                "scenarios",
                a.scenario_hash.clone(),
                b.scenario_hash.clone(),
            ));
        }
        if a.seed != b.seed {
            return Err(differ(
                "seeds",
                format!("seed {}", a.seed),
                format!("seed {}", b.seed),
            ));
        }
        if a.runs != b.runs {
            return Err(differ(
                "run counts",
                format!("{} runs", a.runs),
                format!("{} runs", b.runs),
            ));
        }
        if a.shard.count != b.shard.count {
            return Err(differ(
                "shard counts",
                format!("{} shards", a.shard.count),
                format!("{} shards", b.shard.count),
            ));
        }
    }
    // Stable: of two copies of a shard, the one given first is named first.
    shards.sort_by_key(|s| s.file.shard.index);
    for w in shards.windows(2) {
        if w[0].file.shard.index == w[1].file.shard.index {
            return Err(ShardError::Duplicate {
                index: w[0].file.shard.index,
                count: w[0].file.shard.count,
                a: w[0].path.clone(),
                b: w[1].path.clone(),
            });
        }
    }
    let count = first.file.shard.count;
    if shards.len() as u64 != count {
        let mut have = shards.iter().map(|s| s.file.shard.index).peekable();
        let mut missing = Vec::new();
        for i in 0..count {
            if have.peek() == Some(&i) {
                have.next();
            } else {
                missing.push(i);
            }
        }
        return Err(ShardError::Missing {
            missing: missing.len() as u64,
            count,
            indices: ranges(&missing),
            given: shards.len() as u64,
        });
    }
    Ok(shards)
}

/// `0, 3-5, 9`, at most 20 items then `and K more`.
fn ranges(indices: &[u64]) -> String {
    let mut spans: Vec<(u64, u64)> = Vec::new();
    for &i in indices {
        match spans.last_mut() {
            Some((_, end)) if *end + 1 == i => *end = i,
            _ => spans.push((i, i)),
        }
    }
    let shown: Vec<String> = spans
        .iter()
        .take(20)
        .map(|&(a, b)| {
            if a == b {
                a.to_string()
            } else {
                format!("{a}-{b}")
            }
        })
        .collect();
    let mut out = shown.join(", ");
    if spans.len() > 20 {
        let _ = write!(out, " and {} more", spans.len() - 20);
    }
    out
}

/// Merges a checked set of shards (see [`check_set`]) of `scenario`, whose
/// content hash is `hash` (found in `dir`), into the result one machine
/// would have produced.
pub fn merge(
    scenario: &Scenario,
    dir: &Path,
    hash: &str,
    shards: Vec<ReadShard>,
) -> Result<McResult, ShardError> {
    let shards = check_set(shards)?;
    let first = &shards[0].file;
    if first.scenario_hash != hash {
        return Err(ShardError::ScenarioChanged {
            dir: dir.to_path_buf(),
            now: hash.to_owned(),
            then: first.scenario_hash.clone(),
        });
    }
    let options = McOptions {
        runs: first.runs,
        seed: first.seed,
        threads: 1,
    };
    let mut total = Aggregate::new(scenario);
    for s in &shards {
        let block = s.file.shard.block(s.file.runs);
        let agg =
            restore(&s.file.aggregate, scenario, block).map_err(|why| ShardError::Damaged {
                path: s.path.clone(),
                why,
            })?;
        total = total.merge(agg);
    }
    let samples = Samples::from_map(scenario, &total.sensitivity);
    Ok(McResult::from(scenario, options, total, &samples))
}

fn record(agg: &Aggregate, samples: &Samples) -> AggregateRecord {
    AggregateRecord {
        runs: agg.runs,
        sites: agg
            .sites
            .iter()
            .map(|s| SiteRecord {
                first_power_on: s.first_power_on.record(),
                full_power_on: s.full_power_on.record(),
                dark_total: s.dark_total.record(),
                dark_by_reason: s.dark_by_reason,
                npv: s.npv.record(),
                task_finish: s.task_finish.iter().map(Histogram::record).collect(),
                critical: s.critical.clone(),
                window_days: s.window_days.iter().map(Histogram::record).collect(),
                premium: s.premium.iter().map(Histogram::record).collect(),
            })
            .collect(),
        before_rival: agg.before_rival.clone(),
        sensitivity: samples.to_map(),
    }
}

/// Rebuilds the aggregate of the runs `block` of `scenario`, checking that
/// it has that scenario's shape and that every count is one the runs could
/// have given (so that adding shards can neither overflow nor panic).
fn restore(
    r: &AggregateRecord,
    scenario: &Scenario,
    block: Range<u64>,
) -> Result<Aggregate, String> {
    let runs = block.end - block.start;
    let fresh = Aggregate::new(scenario);
    if r.sites.len() != fresh.sites.len() || r.before_rival.len() != fresh.before_rival.len() {
        return Err("its sites or rivals are not the scenario's".into());
    }
    let mut sites = Vec::with_capacity(r.sites.len());
    for (k, (rec, like)) in r.sites.iter().zip(&fresh.sites).enumerate() {
        let site = &scenario.sites[k].id;
        let one = |h: &HistogramRecord, like: &Histogram, what: &str| {
            let h =
                Histogram::from_record(h, like).map_err(|e| format!("site {site}, {what}: {e}"))?;
            if h.len() != runs {
                return Err(format!(
                    "site {site}, {what}: {} values for {runs} runs",
                    h.len()
                ));
            }
            Ok(h)
        };
        let many = |hs: &[HistogramRecord], like: &[Histogram], what: &str| {
            if hs.len() != like.len() {
                return Err(format!(
                    "site {site}: {} {what}, the scenario has {}",
                    hs.len(),
                    like.len()
                ));
            }
            hs.iter()
                .zip(like)
                .map(|(h, l)| one(h, l, what))
                .collect::<Result<Vec<_>, _>>()
        };
        if rec.critical.len() != like.critical.len() || rec.critical.iter().any(|&c| c > runs) {
            return Err(format!("site {site}: criticality counts"));
        }
        let most = u128::from(runs) * u128::from(u64::MAX);
        if rec.dark_by_reason.iter().any(|&d| d > most) {
            return Err(format!("site {site}: dark GPU-days by reason"));
        }
        sites.push(SiteAggregate {
            first_power_on: one(&rec.first_power_on, &like.first_power_on, "first power-on")?,
            full_power_on: one(&rec.full_power_on, &like.full_power_on, "full power-on")?,
            dark_total: one(&rec.dark_total, &like.dark_total, "dark GPU-days")?,
            dark_by_reason: rec.dark_by_reason,
            npv: one(&rec.npv, &like.npv, "NPV")?,
            task_finish: many(&rec.task_finish, &like.task_finish, "task finishes")?,
            critical: rec.critical.clone(),
            window_days: many(&rec.window_days, &like.window_days, "windows")?,
            premium: many(&rec.premium, &like.premium, "premiums")?,
        });
    }
    if r.before_rival.iter().any(|&c| c > runs) {
        return Err("rival counts above its runs".into());
    }
    // Exactly the block's runs below SENSITIVITY_RUNS, each a full record.
    let kept = block.start.min(SENSITIVITY_RUNS)..block.end.min(SENSITIVITY_RUNS);
    let width: usize = scenario.sites.iter().map(|s| s.tasks.len() + 1).sum();
    if r.sensitivity.len() as u64 != kept.end - kept.start
        || r.sensitivity
            .keys()
            .next()
            .is_some_and(|&k| k != kept.start)
        || r.sensitivity
            .keys()
            .next_back()
            .is_some_and(|&k| k + 1 != kept.end)
        || r.sensitivity.values().any(|v| v.len() != width)
    {
        return Err(if kept.is_empty() {
            format!("sensitivity samples in a shard past the first {SENSITIVITY_RUNS} runs")
        } else {
            format!(
                "its sensitivity samples are not those of runs {}..{}",
                kept.start, kept.end
            )
        });
    }
    Ok(Aggregate {
        runs,
        sites,
        before_rival: r.before_rival.clone(),
        sensitivity: r.sensitivity.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_cover_every_run_once() {
        for runs in [0, 1, 5, 300, 1001] {
            for count in [1, 2, 7, 16] {
                let mut next = 0;
                for index in 0..count {
                    let b = Shard { index, count }.block(runs);
                    assert_eq!(b.start, next);
                    assert!(b.end - b.start <= runs.div_ceil(count));
                    next = b.end;
                }
                assert_eq!(next, runs);
            }
        }
    }

    #[test]
    fn shard_specs_parse_or_explain() {
        assert_eq!(
            ShardSpec::parse("3/16"),
            Ok(ShardSpec {
                index: Some(3),
                count: 16
            })
        );
        assert_eq!(
            ShardSpec::parse("auto/4"),
            Ok(ShardSpec {
                index: None,
                count: 4
            })
        );
        for bad in ["16/16", "3", "a/4", "1/0", "-1/4", "1/2/3", ""] {
            assert!(ShardSpec::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn auto_reads_the_first_index_variable_set() {
        let spec = ShardSpec::parse("auto/8").unwrap();
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| pairs.iter().find(|p| p.0 == k).map(|p| p.1.to_owned())
        };
        let got = spec
            .resolve(env(&[("AWS_BATCH_JOB_ARRAY_INDEX", "5")]))
            .unwrap();
        assert_eq!(got, Shard { index: 5, count: 8 });
        const AGREE: &[(&str, &str)] =
            &[("SLURM_ARRAY_TASK_ID", "2"), ("JOB_COMPLETION_INDEX", "2")];
        assert_eq!(spec.resolve(env(AGREE)).unwrap().index, 2);
        const DISAGREE: &[(&str, &str)] =
            &[("SLURM_ARRAY_TASK_ID", "2"), ("JOB_COMPLETION_INDEX", "3")];
        assert!(matches!(
            spec.resolve(env(DISAGREE)),
            Err(ShardError::DisagreeingVars { .. })
        ));
        assert!(matches!(
            spec.resolve(env(&[])),
            Err(ShardError::NoIndexVar { .. })
        ));
        assert!(matches!(
            spec.resolve(env(&[("SLURM_ARRAY_TASK_ID", "8")])),
            Err(ShardError::IndexOutOfRange { .. })
        ));
        assert!(matches!(
            spec.resolve(env(&[("JOB_COMPLETION_INDEX", "x")])),
            Err(ShardError::BadIndexVar { .. })
        ));
    }

    #[test]
    fn missing_indices_are_listed_as_ranges() {
        assert_eq!(ranges(&[0, 3, 4, 5, 9]), "0, 3-5, 9");
        let many: Vec<u64> = (0..100).map(|i| i * 2).collect();
        assert!(ranges(&many).ends_with("and 80 more"));
    }

    #[test]
    fn file_names_sort_in_index_order() {
        assert_eq!(
            Shard {
                index: 3,
                count: 16
            }
            .file_name(),
            "shard-0003-of-0016.json"
        );
        assert_eq!(
            Shard {
                index: 7,
                count: 100_000
            }
            .file_name(),
            "shard-000007-of-100000.json"
        );
    }
}
