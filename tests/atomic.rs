//! Atomic outputs (issue 6), through the binary. A run killed at any moment
//! leaves the output folder's files, under their final names, either all as
//! they were or all as the new run writes them: never a mix, never partly
//! written. Temporary files never carry a final name. A run that fails
//! validation leaves the previous outputs untouched.
//!
//! The output folder is replaced as a set (staged beside it as a
//! `.warmshell-*.tmp` folder, synced, then swapped with it in one rename);
//! the events file, which may live anywhere, is replaced on its own
//! (written to a temporary `.warmshell-*.tmp` beside it, then renamed). A
//! kill can leave temporary files or folders behind; the next run beside
//! them removes the ones more than an hour old.

#![cfg(unix)]

mod support;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime};

/// Output files by name (`out/timeline.json` ..., `events.jsonl`) and bytes.
type Outputs = BTreeMap<String, Vec<u8>>;

/// How many runs are killed, and how long a run may take before it is a hang.
const KILLS: u32 = 40;
const WATCHDOG: Duration = Duration::from_secs(30);

fn is_temporary(name: &str) -> bool {
    name.starts_with(".warmshell-") && name.ends_with(".tmp")
}

fn sites() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("sites")
}

/// Two scenarios whose outputs differ: the default one, and a copy with one
/// construction duration changed.
struct Scenarios {
    tmp: tempfile::TempDir,
}

impl Scenarios {
    fn new() -> Self {
        let tmp = tempfile::tempdir().unwrap();
        support::copy_dir(&sites(), &tmp.path().join("a"));
        support::copy_dir(&sites(), &tmp.path().join("b"));
        let site = tmp.path().join("b/abilene-tx.yaml");
        let text = fs::read_to_string(&site).unwrap();
        // The first hall's shell takes a month longer.
        let from = "duration: { pert: [8mo, 11mo, 15mo] }";
        assert!(text.contains(from), "{from} in abilene-tx.yaml");
        let changed = text.replacen(from, "duration: { pert: [8mo, 12mo, 15mo] }", 1);
        fs::write(&site, changed).unwrap();
        Scenarios { tmp }
    }

    fn a(&self) -> PathBuf {
        self.tmp.path().join("a")
    }

    fn b(&self) -> PathBuf {
        self.tmp.path().join("b")
    }
}

/// Where a run writes: `DIR/out/` and `DIR/ev/events.jsonl` (the events file
/// in a folder of its own, so that its temporary files can be seen).
struct Target {
    dir: PathBuf,
}

impl Target {
    fn new(dir: PathBuf) -> Self {
        fs::create_dir_all(dir.join("ev")).unwrap();
        Target { dir }
    }

    fn out(&self) -> PathBuf {
        self.dir.join("out")
    }

    fn events(&self) -> PathBuf {
        self.dir.join("ev").join("events.jsonl")
    }

    /// `warmshell run SCENARIO --out OUT --events EVENTS`, started.
    fn start(&self, scenario: &Path) -> Child {
        Command::new(env!("CARGO_BIN_EXE_warmshell"))
            .arg("run")
            .arg(scenario)
            .arg("--out")
            .arg(self.out())
            .arg("--events")
            .arg(self.events())
            .env_remove("RUST_LOG")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start warmshell")
    }

    /// Runs to the end; returns the exit code.
    fn run(&self, scenario: &Path) -> Option<i32> {
        let mut child = self.start(scenario);
        wait(&mut child).code()
    }

    /// The files under final names, and the number of temporary files and
    /// folders (in the two folders and beside the output folder). Anything
    /// else in the two folders fails the test.
    fn read(&self) -> (Outputs, usize) {
        let mut outputs = Outputs::new();
        let mut temporary = fs::read_dir(&self.dir)
            .unwrap()
            .filter(|e| is_temporary(&e.as_ref().unwrap().file_name().to_string_lossy()))
            .count();
        for (folder, prefix) in [(self.out(), "out/"), (self.dir.join("ev"), "")] {
            let Ok(listing) = fs::read_dir(&folder) else {
                continue;
            };
            for entry in listing {
                let entry = entry.unwrap();
                let name = entry.file_name().into_string().unwrap();
                if is_temporary(&name) {
                    temporary += 1;
                    continue;
                }
                let key = format!("{prefix}{name}");
                assert!(
                    key == "events.jsonl" || key.starts_with("out/"),
                    "unexpected file {key}"
                );
                outputs.insert(key, fs::read(entry.path()).unwrap());
            }
        }
        (outputs, temporary)
    }
}

/// Waits for `child`, killing it (and failing) after [`WATCHDOG`].
fn wait(child: &mut Child) -> std::process::ExitStatus {
    let deadline = Instant::now() + WATCHDOG;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("warmshell still running after {WATCHDOG:?}: killed");
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// The complete outputs of `scenario`, written into a fresh folder.
fn complete(scenario: &Path, dir: PathBuf) -> (Outputs, Duration) {
    let target = Target::new(dir);
    let started = Instant::now();
    assert_eq!(target.run(scenario), Some(0), "run {}", scenario.display());
    let took = started.elapsed();
    let (outputs, temporary) = target.read();
    assert_eq!(temporary, 0, "a complete run leaves no temporary file");
    assert!(outputs.contains_key("out/timeline.json") && outputs.contains_key("events.jsonl"));
    (outputs, took)
}

/// The output folder's part of `outputs`.
fn folder(outputs: &Outputs) -> Outputs {
    outputs
        .iter()
        .filter(|(name, _)| name.starts_with("out/"))
        .map(|(name, bytes)| (name.clone(), bytes.clone()))
        .collect()
}

/// Kills runs at delays spread over a whole run, alternating two scenarios,
/// and checks after each kill that every output is whole and that the
/// output folder holds one run's set of files.
#[test]
fn a_killed_run_leaves_each_output_whole_and_the_folder_one_set() {
    let scenarios = Scenarios::new();
    let tmp = scenarios.tmp.path();
    let (a, took_a) = complete(&scenarios.a(), tmp.join("ref-a"));
    let (b, took_b) = complete(&scenarios.b(), tmp.join("ref-b"));
    assert_eq!(
        a.keys().collect::<Vec<_>>(),
        b.keys().collect::<Vec<_>>(),
        "both scenarios write the same files"
    );
    for name in ["out/timeline.json", "events.jsonl"] {
        assert_ne!(a[name], b[name], "{name} differs between the scenarios");
    }

    let target = Target::new(tmp.join("work"));
    assert_eq!(target.run(&scenarios.a()), Some(0));
    let (mut state, mut temporary_before) = target.read();
    assert_eq!(state, a);

    // Delays from 0 to beyond a whole run (at least 0 to 50 ms), so that
    // some kills land while the outputs are being written.
    let span = took_a
        .max(took_b)
        .mul_f64(1.2)
        .max(Duration::from_millis(50));
    let (mut unchanged, mut mixed, mut replaced, mut finished, mut with_temporary) =
        (0, 0, 0, 0, 0);
    for i in 0..KILLS {
        let (scenario, new) = if i % 2 == 0 {
            (scenarios.b(), &b)
        } else {
            (scenarios.a(), &a)
        };
        // Denser towards the end of a run, where the outputs are written.
        let delay = span.mul_f64((f64::from(i) / f64::from(KILLS - 1)).sqrt());
        let mut child = target.start(&scenario);
        std::thread::sleep(delay);
        let _ = child.kill(); // SIGKILL; fails harmlessly if the run is over
        let status = wait(&mut child);
        if status.success() {
            finished += 1;
        }

        let (now, temporary) = target.read();
        assert_eq!(
            now.keys().collect::<Vec<_>>(),
            state.keys().collect::<Vec<_>>(),
            "kill {i} after {delay:?}: the same files under final names"
        );
        for (name, bytes) in &now {
            let old = &state[name];
            assert!(
                bytes == old || bytes == &new[name],
                "kill {i} after {delay:?}: {name} is neither its previous contents \
                 ({} bytes) nor the new run's ({} bytes), but {} bytes",
                old.len(),
                new[name].len(),
                bytes.len()
            );
        }
        let (before, after) = (folder(&state), folder(new));
        assert!(
            folder(&now) == before || folder(&now) == after,
            "kill {i} after {delay:?}: the output folder mixes the previous run's files \
             with the new run's"
        );
        if now == state {
            unchanged += 1;
        } else if &now == new {
            replaced += 1;
        } else {
            mixed += 1;
        }
        if temporary > temporary_before {
            with_temporary += 1;
        }
        temporary_before = temporary;
        if status.success() {
            assert_eq!(&now, new, "a run that finished wrote all of its outputs");
        }
        state = now;
    }
    println!(
        "{KILLS} kills over 0..{span:?}: {unchanged} left every output as it was, \
         {mixed} had swapped the output folder but not yet the events file, \
         {replaced} had replaced every output, {finished} finished before the kill; \
         {with_temporary} left new temporary files"
    );

    // A complete run afterwards writes exactly the new outputs.
    assert_eq!(target.run(&scenarios.b()), Some(0));
    assert_eq!(target.read().0, b);
}

/// Temporary files more than an hour old are removed by the next run into
/// the same folder; fresh ones (a run may still be writing them) and files
/// that are not ours stay.
#[test]
fn stale_temporary_files_are_removed_by_the_next_run() {
    let tmp = tempfile::tempdir().unwrap();
    let target = Target::new(tmp.path().join("work"));
    fs::create_dir_all(target.out()).unwrap();
    let two_hours_ago = SystemTime::now() - Duration::from_secs(2 * 3600);
    let make = |path: PathBuf, modified: SystemTime| {
        let file = fs::File::create(&path).unwrap();
        file.set_modified(modified).unwrap();
        path
    };
    let stale_out = make(target.out().join(".warmshell-stale.tmp"), two_hours_ago);
    let stale_ev = make(target.dir.join("ev/.warmshell-stale.tmp"), two_hours_ago);
    let fresh = make(target.out().join(".warmshell-fresh.tmp"), SystemTime::now());
    let not_ours = make(target.out().join("notes.tmp"), two_hours_ago);
    // A staging folder left beside --out by a run killed after its swap.
    let stale_staging = target.dir.join(".warmshell-staging.tmp");
    fs::create_dir(&stale_staging).unwrap();
    make(stale_staging.join("timeline.json"), two_hours_ago);
    fs::File::open(&stale_staging)
        .unwrap()
        .set_modified(two_hours_ago)
        .unwrap();

    assert_eq!(target.run(&sites()), Some(0));
    assert!(
        !stale_out.exists(),
        "a stale temporary file in --out is removed"
    );
    assert!(
        !stale_ev.exists(),
        "a stale temporary file beside --events is removed"
    );
    assert!(
        !stale_staging.exists(),
        "a stale staging folder beside --out is removed"
    );
    assert!(fresh.exists(), "a fresh temporary file is kept");
    assert!(not_ours.exists(), "other files are kept");
}

/// A run that fails validation changes nothing: same files, same bytes,
/// same modification times.
#[test]
fn a_run_that_fails_validation_leaves_the_outputs_untouched() {
    let scenarios = Scenarios::new();
    let target = Target::new(scenarios.tmp.path().join("work"));
    assert_eq!(target.run(&scenarios.a()), Some(0));
    let snapshot = |t: &Target| -> Vec<(PathBuf, Vec<u8>, SystemTime)> {
        let mut files: Vec<_> = [t.out(), t.dir.join("ev")]
            .iter()
            .flat_map(|d| fs::read_dir(d).unwrap())
            .map(|e| {
                let path = e.unwrap().path();
                let modified = fs::metadata(&path).unwrap().modified().unwrap();
                (path.clone(), fs::read(&path).unwrap(), modified)
            })
            .collect();
        files.sort();
        files
    };
    let before = snapshot(&target);

    let site = scenarios.b().join("abilene-tx.yaml");
    let mut text = fs::read_to_string(&site).unwrap();
    text.push_str("bogus: 1\n");
    fs::write(&site, text).unwrap();
    assert_eq!(target.run(&scenarios.b()), Some(2), "an invalid scenario");
    assert_eq!(snapshot(&target), before, "outputs untouched");
}

/// Outputs get the permissions of any new file in their folder (the umask
/// applies), not a temporary file's private 0600.
#[test]
fn outputs_have_the_permissions_of_a_new_file() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let target = Target::new(tmp.path().join("work"));
    assert_eq!(target.run(&sites()), Some(0));
    let plain = target.dir.join("plain");
    fs::write(&plain, b"").unwrap();
    let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
    for file in [target.out().join("timeline.json"), target.events()] {
        assert_eq!(
            mode(&file),
            mode(&plain),
            "{} has mode {:o}",
            file.display(),
            mode(&file)
        );
    }
}
