//! Reading a scenario folder from disk.
//!
//! This is the only place in the scenario module that does I/O. Every file is
//! read and checked, and all problems come back together.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::decode;
use super::market;
use super::read::Ctx;
use super::yaml::{self, Pos};
use super::{Scenario, validate};
use crate::diagnostic::{Diagnostic, Diagnostics};

/// The largest site or scenario file accepted; far beyond any real site.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;
/// Bounds on a whole scenario folder, so that memory stays bounded however
/// many files it holds: about 40 times a 1,000-site generated portfolio.
pub const MAX_SITE_FILES: usize = 20_000;
pub const MAX_SCENARIO_BYTES: u64 = 256 * 1024 * 1024;
/// The file that holds the clock (and later the market).
pub const SCENARIO_FILE: &str = "scenario.yaml";
/// The expected key figures `warmshell verify` checks; not a site.
pub const EXPECT_FILE: &str = "expect.yaml";

/// Changes to the files' located trees between reading and decoding: how a
/// variant (`crate::variant`) changes a base scenario, so that whatever it
/// adds is checked by the same decoder.
pub trait Patch {
    /// `scenario.yaml`'s tree, with the ids of every site file.
    fn scenario(&mut self, root: &mut yaml::Node, site_ids: &[String], diags: &mut Diagnostics);
    /// One site file's tree.
    fn site(&mut self, id: &str, file: &Path, root: &mut yaml::Node, diags: &mut Diagnostics);
}

struct NoPatch;

impl Patch for NoPatch {
    fn scenario(&mut self, _: &mut yaml::Node, _: &[String], _: &mut Diagnostics) {}
    fn site(&mut self, _: &str, _: &Path, _: &mut yaml::Node, _: &mut Diagnostics) {}
}

/// Why a scenario could not be loaded. Every variant is the planner's to fix.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("{}: scenario folder not found", .0.display())]
    NotFound(PathBuf),
    #[error("{}: is a file; expected a scenario folder holding scenario.yaml and one YAML file per site", .0.display())]
    NotAFolder(PathBuf),
    #[error("{}: cannot read: {source}", path.display())]
    Unreadable {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{0}")]
    Invalid(Diagnostics),
}

impl LoadError {
    /// The located problems, if the files were read but are wrong.
    pub fn diagnostics(&self) -> Option<&Diagnostics> {
        match self {
            LoadError::Invalid(d) => Some(d),
            _ => None,
        }
    }
}

/// Loads and checks every file of the scenario folder `dir`.
pub fn load_dir(dir: &Path) -> Result<Scenario, LoadError> {
    load_dir_patched(dir, &mut NoPatch)
}

/// [`load_dir`], with `patch` applied to each file's tree before it is decoded.
pub fn load_dir_patched(dir: &Path, patch: &mut dyn Patch) -> Result<Scenario, LoadError> {
    let meta = std::fs::metadata(dir).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => LoadError::NotFound(dir.to_path_buf()),
        _ => LoadError::Unreadable {
            path: dir.to_path_buf(),
            source: e,
        },
    })?;
    if !meta.is_dir() {
        return Err(LoadError::NotAFolder(dir.to_path_buf()));
    }
    let listing = std::fs::read_dir(dir).map_err(|e| LoadError::Unreadable {
        path: dir.to_path_buf(),
        source: e,
    })?;
    let mut files = Vec::new();
    for entry in listing {
        let entry = entry.map_err(|e| LoadError::Unreadable {
            path: dir.to_path_buf(),
            source: e,
        })?;
        let path = entry.path();
        let is_yaml = path.extension().is_some_and(|e| e == "yaml" || e == "yml");
        if is_yaml {
            files.push(path);
        }
    }
    files.sort();

    let mut diags = Diagnostics::default();
    let scenario_path = dir.join(SCENARIO_FILE);
    let mut site_files = Vec::new();
    for path in files {
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        if path == scenario_path || path == dir.join(EXPECT_FILE) {
            continue;
        }
        if stem == "scenario" {
            file_error(
                &mut diags,
                &path,
                "rename this file to scenario.yaml".into(),
            );
            continue;
        }
        site_files.push((stem, path));
    }

    if let Some(message) = too_large(&site_files) {
        file_error(&mut diags, dir, message);
        return Err(LoadError::Invalid(diags));
    }

    let site_ids: Vec<String> = site_files.iter().map(|(s, _)| s.clone()).collect();
    let root = read_yaml(&scenario_path, &mut diags).map(|mut root| {
        patch.scenario(&mut root, &site_ids, &mut diags);
        root
    });
    let header = root.map(|root| {
        let mut ctx = Ctx {
            file: &scenario_path,
            diags: &mut diags,
        };
        decode::scenario_file(&mut ctx, &root, dir)
    });
    let (clock, mut market, rival_sites) = match header {
        Some(h) => (h.clock, h.market, h.rival_sites),
        None => (None, market::Market::default(), Vec::new()),
    };
    // Without a valid clock, dates cannot be checked; still report the files' other problems.
    let fallback = decode::Clock {
        start: chrono::NaiveDate::MIN,
        horizon: chrono::NaiveDate::MAX,
    };
    let clock_ref = clock.as_ref().unwrap_or(&fallback);

    let mut seen: Vec<(String, PathBuf)> = Vec::new();
    for (stem, path) in &site_files {
        if let Some((_, first)) = seen.iter().find(|(s, _)| s == stem) {
            file_error(
                &mut diags,
                path,
                format!(
                    "site id `{stem}` is also used by {}; site ids (file names) must be unique",
                    first.display()
                ),
            );
            continue;
        }
        seen.push((stem.clone(), path.clone()));
    }
    // Site files are parsed and decoded independently, one per core; each
    // keeps its own problems, and `diags` is sorted at the end. Between the
    // two, a variant patches the trees in file order (a patch keeps state).
    let parsed: Vec<(Option<yaml::Node>, Diagnostics)> = seen
        .par_iter()
        .map(|(_, path)| {
            let mut own = Diagnostics::default();
            (read_yaml(path, &mut own), own)
        })
        .collect();
    let mut roots = Vec::with_capacity(parsed.len());
    for ((stem, path), (root, own)) in seen.iter().zip(parsed) {
        diags.0.extend(own.0);
        roots.push(root.map(|mut root| {
            patch.site(stem, path, &mut root, &mut diags);
            root
        }));
    }
    // A site's decoder sees the mistakes in scenario.yaml's generations (so a
    // generation defined wrongly is not also "unknown" where it is used).
    let header: Vec<Diagnostic> = diags
        .iter()
        .filter(|d| d.field.starts_with("generations."))
        .cloned()
        .collect();
    let decoded: Vec<(Option<super::Site>, Diagnostics)> = seen
        .par_iter()
        .zip(roots.into_par_iter())
        .map(|((stem, path), root)| {
            let mut own = Diagnostics(header.clone());
            let site = root.and_then(|root| {
                let mut ctx = Ctx {
                    file: path,
                    diags: &mut own,
                };
                decode::site_file(&mut ctx, &root, stem, clock_ref, &market)
            });
            (site, own)
        })
        .collect();
    let mut sites = Vec::with_capacity(decoded.len());
    for (site, own) in decoded {
        diags.0.extend(own.0.into_iter().skip(header.len()));
        sites.extend(site);
    }
    if site_files.is_empty() && clock.is_some() {
        file_error(
            &mut diags,
            dir,
            "the scenario has no site files; add one YAML file per site".into(),
        );
    }

    // Rivals given as site files: read like our own sites, simulated alike.
    let mut rival_site_list = Vec::new();
    for pending in rival_sites {
        let stem = pending
            .path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        // Anything there (a folder, a symlink loop) is read, to report what is wrong with it.
        let root = if pending.path.symlink_metadata().is_ok() {
            read_yaml(&pending.path, &mut diags)
        } else {
            diags.push(Diagnostic {
                file: scenario_path.clone(),
                pos: pending.pos,
                field: pending.field.clone(),
                message: format!("rival site file {} not found", pending.path.display()),
                help: Some(
                    "give the path relative to the scenario folder, e.g. `rivals/neocloud.yaml`"
                        .into(),
                ),
            });
            None
        };
        let Some(root) = root else { continue };
        let mut ctx = Ctx {
            file: &pending.path,
            diags: &mut diags,
        };
        if let Some(site) = decode::site_file(&mut ctx, &root, &stem, clock_ref, &market) {
            rival_site_list.push(site.clone());
            if let Some(i) = pending.index {
                market.rivals[i].build = market::RivalBuild::Site(Box::new(site));
            }
        }
    }

    // Sites that decoded cleanly are checked whole even when other files have
    // mistakes, so that every problem is reported at once.
    validate::check(&sites, &mut diags);
    validate::check(&rival_site_list, &mut diags);
    if let Some(clock) = clock {
        let scenario = Scenario {
            start: clock.start,
            horizon: clock.horizon,
            market,
            sites,
        };
        if diags.is_empty() {
            return Ok(scenario);
        }
    }
    diags.sort();
    Err(LoadError::Invalid(diags))
}

fn file_error(diags: &mut Diagnostics, path: &Path, message: String) {
    diags.push(Diagnostic::about_file(path, message));
}

/// Why the folder's site files are too many or too large to load, if they are.
fn too_large(site_files: &[(String, PathBuf)]) -> Option<String> {
    let help = "split the portfolio into several scenario folders";
    if site_files.len() > MAX_SITE_FILES {
        return Some(format!(
            "the folder holds {} site files; the limit is {MAX_SITE_FILES}: {help}",
            site_files.len()
        ));
    }
    let bytes: u64 = site_files
        .iter()
        .filter_map(|(_, path)| std::fs::metadata(path).ok())
        .filter(std::fs::Metadata::is_file)
        .map(|m| m.len())
        .sum();
    (bytes > MAX_SCENARIO_BYTES).then(|| {
        format!(
            "the site files hold {bytes} bytes in all; the limit is {MAX_SCENARIO_BYTES}: {help}"
        )
    })
}

/// Reads and parses one file, reporting any failure as a diagnostic.
pub(crate) fn read_yaml(path: &Path, diags: &mut Diagnostics) -> Option<yaml::Node> {
    let bytes = match std::fs::metadata(path) {
        // A pipe would block the read forever, and a device such as
        // /dev/zero would never end: only regular files are read.
        Ok(m) if !m.is_file() => {
            let what = if m.is_dir() {
                "is a folder, not a YAML file"
            } else {
                "is not a regular file (a device, pipe or socket); expected a YAML file"
            };
            file_error(diags, path, what.into());
            return None;
        }
        Ok(m) if m.len() > MAX_FILE_BYTES => {
            file_error(
                diags,
                path,
                format!("file is {} bytes; the limit is {MAX_FILE_BYTES}", m.len()),
            );
            return None;
        }
        // At most the limit, even if the file grows while it is read.
        Ok(_) => std::fs::File::open(path).and_then(|f| {
            use std::io::Read;
            let mut bytes = Vec::new();
            f.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes)?;
            Ok(bytes)
        }),
        Err(e) => Err(e),
    };
    if bytes
        .as_ref()
        .is_ok_and(|b| b.len() as u64 > MAX_FILE_BYTES)
    {
        file_error(
            diags,
            path,
            format!("file is over the limit of {MAX_FILE_BYTES} bytes"),
        );
        return None;
    }
    let bytes = match bytes {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let msg = if path.file_name().is_some_and(|n| n == SCENARIO_FILE) {
                "missing: every scenario folder needs a scenario.yaml with `start` and `horizon`"
                    .to_owned()
            } else {
                format!("cannot read: {e}")
            };
            file_error(diags, path, msg);
            return None;
        }
        Err(e) => {
            file_error(diags, path, format!("cannot read: {e}"));
            return None;
        }
    };
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            let line = valid.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
            let column = valid.iter().rev().take_while(|&&b| b != b'\n').count() as u64 + 1;
            diags.push(Diagnostic {
                file: path.to_path_buf(),
                pos: Pos { line, column },
                field: String::new(),
                message: "the file is not valid UTF-8 text".into(),
                help: Some("save the file as UTF-8".into()),
            });
            return None;
        }
    };
    match yaml::parse(&text) {
        Ok(node) => Some(node),
        Err(e) => {
            diags.push(Diagnostic {
                file: path.to_path_buf(),
                pos: e.pos,
                field: String::new(),
                message: e.message,
                help: e.help,
            });
            None
        }
    }
}
