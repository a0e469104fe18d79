//! The market in `scenario.yaml`: GPU generations, pricing, finance, rivals.
//!
//! Generations come from the built-in catalog (`catalog.yaml`, sources in its
//! comments) unless the scenario defines them; a scenario entry with a
//! catalog name replaces that entry whole. A generation's successor is the
//! next one to become available.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use super::duration::Distribution;
use super::read::{Ctx, Fields, date, entries, join, list_of, number, positive, string};
use super::yaml::{Node, Pos, Value};
use super::{Day, Site};
use crate::diagnostic::did_you_mean;

/// The built-in catalog's text, and the name it goes by in messages.
pub const CATALOG: &str = include_str!("catalog.yaml");
pub const CATALOG_NAME: &str = "<built-in catalog>";

#[derive(Debug, Clone)]
pub struct Generation {
    pub name: String,
    pub available: NaiveDate,
    pub gpus_per_rack: u32,
    pub rack_kw: f64,
    pub usd_per_gpu: f64,
    /// Rental price per GPU-hour when the generation becomes available.
    pub usd_per_gpu_hour: f64,
    /// The next generation to become available (index into `Market::generations`).
    pub successor: Option<usize>,
}

/// How rental prices move (see docs/economics.md).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pricing {
    /// Share of GPU-hours sold.
    pub utilization: f64,
    /// Price lost each year since availability (compounded daily).
    pub yearly_decline: f64,
    /// Price lost when each successor generation becomes available.
    pub successor_step: f64,
    /// Price lost when capacity stops being scarce (after the revenue window).
    pub scarcity_premium: f64,
    pub floor_usd_per_gpu_hour: f64,
    /// The window closes when rivals' powered MW of a generation reach this
    /// multiple of ours (in thousandths: 1000 = parity).
    pub parity_permille: u64,
}

impl Default for Pricing {
    fn default() -> Self {
        Pricing {
            utilization: 0.8,
            yearly_decline: 0.2,
            successor_step: 0.3,
            scarcity_premium: 0.3,
            floor_usd_per_gpu_hour: 1.5,
            parity_permille: 1000,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Finance {
    /// Annual rate for NPV.
    pub discount_rate: f64,
    /// Straight-line life of a GPU; 6 as hyperscalers book it, 2-3 for economic life.
    pub depreciation_years: f64,
    pub power_usd_per_mwh: f64,
    /// Shell and M&E capex per MW of hall IT capacity, spent when the hall is ready.
    pub facility_usd_per_mw: f64,
    /// Straight-line life of the facility, for its book value at the horizon.
    pub facility_life_years: f64,
}

impl Default for Finance {
    fn default() -> Self {
        Finance {
            discount_rate: 0.10,
            depreciation_years: 6.0,
            power_usd_per_mwh: 70.0,
            facility_usd_per_mw: 0.0,
            facility_life_years: 20.0,
        }
    }
}

/// A competitor's capacity of one generation.
#[derive(Debug, Clone)]
pub struct Rival {
    pub name: String,
    pub generation: usize,
    pub build: RivalBuild,
}

#[derive(Debug, Clone)]
pub enum RivalBuild {
    /// `it_watts` of the generation powered on a (possibly uncertain) day; a
    /// day before the scenario start counts as day 0.
    Fixed {
        it_watts: u64,
        power_on: Distribution,
    },
    /// A site file simulated by the same engine; its orders of the rival's
    /// generation count.
    Site(Box<Site>),
}

/// Tasks that share a cause of delay (a utility, a county): their sampled
/// durations are correlated through a common factor (see docs/montecarlo.md).
#[derive(Debug, Clone, PartialEq)]
pub struct CorrelationGroup {
    pub name: String,
    /// Correlation of the normal scores of two tasks in the group, 0 to 1.
    pub rho: f64,
}

#[derive(Debug, Clone)]
pub struct Market {
    pub generations: Vec<Generation>,
    pub pricing: Pricing,
    pub finance: Finance,
    pub rivals: Vec<Rival>,
    /// Declared in `correlation:`; tasks join one with `group:`.
    pub groups: Vec<CorrelationGroup>,
}

impl Default for Market {
    /// The built-in catalog, default pricing and finance, no rivals.
    fn default() -> Self {
        Market {
            generations: merge_generations(catalog(), vec![]),
            pricing: Pricing::default(),
            finance: Finance::default(),
            rivals: vec![],
            groups: vec![],
        }
    }
}

impl Market {
    pub fn generation(&self, name: &str) -> Option<usize> {
        self.generations.iter().position(|g| g.name == name)
    }

    /// Days from the scenario start to a generation's availability (negative if before).
    pub fn available_day(&self, g: usize, start: NaiveDate) -> i64 {
        (self.generations[g].available - start).num_days()
    }
}

/// A rival given as a site file, to be loaded once the market is known.
pub struct PendingRivalSite {
    /// The rival's index in `Market::rivals`; `None` when the rival itself
    /// has a mistake (its file is still checked).
    pub index: Option<usize>,
    pub path: PathBuf,
    pub pos: Pos,
    pub field: String,
}

/// Reads generations from a mapping node (the catalog, or `generations:`).
pub fn generations(ctx: &mut Ctx, node: &Node, path: &str) -> Vec<Generation> {
    let mut out = Vec::new();
    for (name, _, body) in entries(ctx, node, path) {
        let gpath = join(path, &name);
        let Some(f) = Fields::read(
            ctx,
            body,
            &gpath,
            &[
                "available",
                "gpus_per_rack",
                "rack_kw",
                "usd_per_gpu",
                "usd_per_gpu_hour",
            ],
        ) else {
            continue;
        };
        let available = f
            .required(ctx, "available", "first shipments, YYYY-MM-DD")
            .and_then(|n| date(ctx, n, &f.field("available")));
        let gpus = f
            .required(ctx, "gpus_per_rack", "GPUs in one rack")
            .and_then(|n| {
                super::read::integer(
                    ctx,
                    n,
                    &f.field("gpus_per_rack"),
                    1,
                    super::decode::MAX_GPUS_PER_RACK,
                    "GPUs",
                )
            });
        let rack_kw = f.required(ctx, "rack_kw", "IT kW per rack").and_then(|n| {
            number(
                ctx,
                n,
                &f.field("rack_kw"),
                super::decode::MIN_RACK_KW,
                super::decode::MAX_RACK_KW,
                "kW",
            )
        });
        let price = f
            .required(ctx, "usd_per_gpu", "purchase price of one GPU")
            .and_then(|n| positive(ctx, n, &f.field("usd_per_gpu"), 10_000_000.0, "USD"));
        let rent = f
            .required(
                ctx,
                "usd_per_gpu_hour",
                "rental price per GPU-hour at launch",
            )
            .and_then(|n| {
                positive(
                    ctx,
                    n,
                    &f.field("usd_per_gpu_hour"),
                    10_000.0,
                    "USD per GPU-hour",
                )
            });
        if let (
            Some(available),
            Some(gpus_per_rack),
            Some(rack_kw),
            Some(usd_per_gpu),
            Some(usd_per_gpu_hour),
        ) = (available, gpus, rack_kw, price, rent)
        {
            out.push(Generation {
                name,
                available,
                gpus_per_rack,
                rack_kw,
                usd_per_gpu,
                usd_per_gpu_hour,
                successor: None,
            });
        }
    }
    out
}

/// The built-in catalog; it is part of the program, so a problem in it is a bug.
pub fn catalog() -> Vec<Generation> {
    let mut diags = crate::diagnostic::Diagnostics::default();
    let root = super::yaml::parse(CATALOG).ok();
    let mut ctx = Ctx {
        file: Path::new(CATALOG_NAME),
        diags: &mut diags,
    };
    let out = root
        .map(|r| generations(&mut ctx, &r, ""))
        .unwrap_or_default();
    debug_assert!(diags.is_empty(), "built-in catalog: {diags}");
    out
}

/// Merges scenario generations over the catalog and links successors.
pub fn merge_generations(catalog: Vec<Generation>, own: Vec<Generation>) -> Vec<Generation> {
    let mut all = catalog;
    for g in own {
        match all.iter_mut().find(|c| c.name == g.name) {
            Some(slot) => *slot = g,
            None => all.push(g),
        }
    }
    let mut by_date: Vec<usize> = (0..all.len()).collect();
    by_date.sort_by_key(|&i| (all[i].available, i));
    for w in by_date.windows(2) {
        all[w[0]].successor = (all[w[1]].available > all[w[0]].available).then_some(w[1]);
    }
    // Generations available the same day share the next later one as successor.
    for i in 0..all.len() {
        if all[i].successor.is_none() {
            all[i].successor = by_date
                .iter()
                .copied()
                .find(|&j| all[j].available > all[i].available);
        }
    }
    all
}

pub fn pricing(ctx: &mut Ctx, node: &Node) -> Option<Pricing> {
    let f = Fields::read(
        ctx,
        node,
        "pricing",
        &[
            "utilization",
            "yearly_decline",
            "successor_step",
            "scarcity_premium",
            "floor_usd_per_gpu_hour",
            "parity_ratio",
        ],
    )?;
    let d = Pricing::default();
    let share = |ctx: &mut Ctx, name: &str, default: f64| {
        f.get(name).map_or(Some(default), |n| {
            number(ctx, n, &f.field(name), 0.0, 1.0, "a share")
        })
    };
    let utilization = share(ctx, "utilization", d.utilization);
    let yearly_decline = f.get("yearly_decline").map_or(Some(d.yearly_decline), |n| {
        number(ctx, n, "pricing.yearly_decline", 0.0, 0.99, "a share")
    });
    let successor_step = share(ctx, "successor_step", d.successor_step);
    let scarcity_premium = share(ctx, "scarcity_premium", d.scarcity_premium);
    let floor = f
        .get("floor_usd_per_gpu_hour")
        .map_or(Some(d.floor_usd_per_gpu_hour), |n| {
            number(
                ctx,
                n,
                "pricing.floor_usd_per_gpu_hour",
                0.0,
                10_000.0,
                "USD per GPU-hour",
            )
        });
    let parity = f.get("parity_ratio").map_or(Some(1.0), |n| {
        number(ctx, n, "pricing.parity_ratio", 0.001, 1000.0, "a ratio")
    });
    Some(Pricing {
        utilization: utilization?,
        yearly_decline: yearly_decline?,
        successor_step: successor_step?,
        scarcity_premium: scarcity_premium?,
        floor_usd_per_gpu_hour: floor?,
        parity_permille: (parity? * 1000.0).round() as u64,
    })
}

pub fn finance(ctx: &mut Ctx, node: &Node) -> Option<Finance> {
    let f = Fields::read(
        ctx,
        node,
        "finance",
        &[
            "discount_rate",
            "depreciation_years",
            "power_usd_per_mwh",
            "facility_usd_per_mw",
            "facility_life_years",
        ],
    )?;
    let d = Finance::default();
    let discount = f.get("discount_rate").map_or(Some(d.discount_rate), |n| {
        number(ctx, n, "finance.discount_rate", 0.0, 1.0, "an annual rate")
    });
    let life = f
        .get("depreciation_years")
        .map_or(Some(d.depreciation_years), |n| {
            number(ctx, n, "finance.depreciation_years", 0.5, 30.0, "years")
        });
    let power = f
        .get("power_usd_per_mwh")
        .map_or(Some(d.power_usd_per_mwh), |n| {
            number(
                ctx,
                n,
                "finance.power_usd_per_mwh",
                0.0,
                10_000.0,
                "USD per MWh",
            )
        });
    let facility = f
        .get("facility_usd_per_mw")
        .map_or(Some(d.facility_usd_per_mw), |n| {
            number(
                ctx,
                n,
                "finance.facility_usd_per_mw",
                0.0,
                1e9,
                "USD per MW",
            )
        });
    let facility_life = f
        .get("facility_life_years")
        .map_or(Some(d.facility_life_years), |n| {
            number(ctx, n, "finance.facility_life_years", 1.0, 100.0, "years")
        });
    Some(Finance {
        discount_rate: discount?,
        depreciation_years: life?,
        power_usd_per_mwh: power?,
        facility_usd_per_mw: facility?,
        facility_life_years: facility_life?,
    })
}

/// Reads `rivals:`; rivals given as site files come back pending, to be
/// loaded by the caller (which does the I/O).
pub fn rivals(
    ctx: &mut Ctx,
    node: &Node,
    gens: &[Generation],
    start: NaiveDate,
    dir: &Path,
) -> (Vec<Rival>, Vec<PendingRivalSite>) {
    let mut out = Vec::new();
    let mut pending = Vec::new();
    for (name, _, body) in entries(ctx, node, "rivals") {
        let rpath = join("rivals", &name);
        let Some(f) = Fields::read(
            ctx,
            body,
            &rpath,
            &["generation", "mw", "racks", "power_on", "site"],
        ) else {
            continue;
        };
        let generation = f
            .required(ctx, "generation", "the generation the rival powers")
            .and_then(|n| generation_ref(ctx, n, &f.field("generation"), gens));
        let has = |k: &str| f.get(k).is_some();
        if has("site") {
            for extra in ["mw", "racks", "power_on"].into_iter().filter(|k| has(k)) {
                let n = f.get(extra).map_or(f.pos, |n| n.pos);
                ctx.error(
                    n,
                    &f.field(extra),
                    format!(
                        "`{extra}` cannot go with `site`: the site file says when and how much"
                    ),
                    None,
                );
            }
            let Some(file) = f.get("site").and_then(|n| string(ctx, n, &f.field("site"))) else {
                continue;
            };
            // The file is read and checked even when the generation is wrong.
            pending.push(PendingRivalSite {
                index: generation.map(|_| out.len()),
                path: dir.join(&file),
                pos: f.get("site").map_or(f.pos, |n| n.pos),
                field: f.field("site"),
            });
            if let Some(g) = generation {
                out.push(Rival {
                    name,
                    generation: g,
                    build: RivalBuild::Fixed {
                        it_watts: 0,
                        power_on: Distribution::Fixed(0.0),
                    },
                });
            }
            continue;
        }
        let it_watts = match (f.get("mw"), f.get("racks")) {
            (Some(n), None) => positive(ctx, n, &f.field("mw"), 1_000_000.0, "IT MW")
                .map(|mw| (mw * 1e6).round() as u64),
            (None, Some(n)) => super::read::integer(
                ctx,
                n,
                &f.field("racks"),
                1,
                super::decode::MAX_RACKS,
                "racks",
            )
            .zip(generation)
            .map(|(r, g)| (f64::from(r) * gens[g].rack_kw * 1000.0).round() as u64),
            (Some(_), Some(n)) => {
                ctx.error(
                    n.pos,
                    &f.field("racks"),
                    "give `mw` or `racks`, not both",
                    None,
                );
                None
            }
            (None, None) => {
                ctx.error(
                    f.pos,
                    &rpath,
                    "missing `mw` or `racks` (the rival's IT capacity), or `site` (a site file)",
                    None,
                );
                None
            }
        };
        let power_on = f
            .required(ctx, "power_on", "a date or a date distribution")
            .and_then(|n| date_distribution(ctx, n, &f.field("power_on"), start));
        if let (Some(generation), Some(it_watts), Some(power_on)) = (generation, it_watts, power_on)
        {
            out.push(Rival {
                name,
                generation,
                build: RivalBuild::Fixed { it_watts, power_on },
            });
        }
    }
    (out, pending)
}

/// A generation name that must be known.
pub fn generation_ref(
    ctx: &mut Ctx,
    node: &Node,
    path: &str,
    gens: &[Generation],
) -> Option<usize> {
    let name = string(ctx, node, path)?;
    if let Some(i) = gens.iter().position(|g| g.name == name) {
        return Some(i);
    }
    // Defined in scenario.yaml with a mistake, already reported there.
    let own = format!("generations.{name}");
    if ctx
        .diags
        .iter()
        .any(|d| d.field == own || d.field.starts_with(&format!("{own}.")))
    {
        return None;
    }
    let help = did_you_mean(&name, gens.iter().map(|g| g.name.as_str())).or_else(|| {
        Some(format!(
            "known generations: {}; define others under `generations:` in scenario.yaml",
            gens.iter()
                .map(|g| g.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ))
    });
    ctx.error(node.pos, path, format!("unknown generation `{name}`"), help);
    None
}

/// A date, or `{ uniform | triangular | pert: [dates] }`, as days from `start`
/// (dates before the start count as day 0: already powered).
fn date_distribution(
    ctx: &mut Ctx,
    node: &Node,
    path: &str,
    start: NaiveDate,
) -> Option<Distribution> {
    // Signed days from the start; clamped to day 0 only after the order check.
    let day = |ctx: &mut Ctx, n: &Node, p: &str| date(ctx, n, p).map(|d| (d - start).num_days());
    let clamp = |d: i64| d.max(0) as f64;
    match &node.value {
        Value::Str(_) => day(ctx, node, path).map(|d| Distribution::Fixed(clamp(d))),
        Value::Map(pairs) if pairs.len() == 1 => {
            let (key, body) = &pairs[0];
            let form = match &key.value {
                Value::Str(s) => s.as_str(),
                _ => "",
            };
            let fpath = join(path, form);
            let want = match form {
                "uniform" => 2,
                "triangular" | "pert" => 3,
                other => {
                    let help = did_you_mean(other, ["uniform", "triangular", "pert"])
                        .or_else(|| Some("use uniform, triangular or pert, with dates".into()));
                    ctx.error(
                        key.pos,
                        &fpath,
                        format!("unknown date distribution `{other}`"),
                        help,
                    );
                    return None;
                }
            };
            let v = list_of(ctx, body, &fpath, want, "dates", day);
            let v = v?;
            if !v.windows(2).all(|w| w[0] <= w[1]) {
                ctx.error(
                    body.pos,
                    &fpath,
                    "expected the dates in increasing order",
                    None,
                );
                return None;
            }
            let v: Vec<f64> = v.into_iter().map(clamp).collect();
            Some(match form {
                "uniform" => Distribution::Uniform {
                    min: v[0],
                    max: v[1],
                },
                "triangular" => Distribution::Triangular {
                    min: v[0],
                    mode: v[1],
                    max: v[2],
                },
                _ => Distribution::Pert {
                    min: v[0],
                    mode: v[1],
                    max: v[2],
                },
            })
        }
        _ => {
            ctx.expected(node, path, "a date or a date distribution such as `{ triangular: [2026-01-01, 2026-06-01, 2027-01-01] }`");
            None
        }
    }
}

/// Days from the start; a helper for callers with a `Day` clock.
pub fn clamp_day(days: i64) -> Day {
    u32::try_from(days.max(0)).unwrap_or(Day::MAX)
}

/// Reads `correlation:`, a mapping of group names to correlations.
pub fn groups(ctx: &mut Ctx, node: &Node) -> Vec<CorrelationGroup> {
    entries(ctx, node, "correlation")
        .into_iter()
        .filter_map(|(name, _, n)| {
            let rho = number(
                ctx,
                n,
                &join("correlation", &name),
                0.0,
                1.0,
                "a correlation",
            )?;
            Some(CorrelationGroup { name, rho })
        })
        .collect()
}
