//! Sharded Monte Carlo through the binary: `mc --shard I/N` (and `auto/N`
//! with each scheduler's index variable) then `merge`, in shuffled orders,
//! must give the bytes `mc` writes on one machine; every way a set of shards
//! can be wrong is refused with exit code 2 and a message naming it.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use warmshell::montecarlo::shard::{self, ReadShard, Shard, ShardFile};
use warmshell::montecarlo::{self, McOptions};

/// Runs of the default scenario per check: small, since debug builds are slow.
const RUNS: u64 = 300;
const SEED: u64 = 4242;
const INDEX_VARS: [&str; 3] = shard::INDEX_VARS;

fn sites() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("sites")
}

/// The binary with no scheduler's index variable inherited from the caller.
fn warmshell() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_warmshell"));
    for var in INDEX_VARS {
        cmd.env_remove(var);
    }
    cmd
}

fn ok(out: Output) -> Output {
    assert!(
        out.status.success(),
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Exit code 2 and a message containing every one of `needles`.
fn refused(out: Output, needles: &[&str]) -> String {
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "stderr:\n{err}");
    for n in needles {
        assert!(err.contains(n), "expected `{n}` in:\n{err}");
    }
    err
}

fn mc_args(cmd: &mut Command, runs: u64, seed: u64) -> &mut Command {
    cmd.arg("mc")
        .arg(sites())
        .args(["-n", &runs.to_string(), "--seed", &seed.to_string()])
        .args(["--threads", "2"])
}

/// How a shard learns its index: the flag, or a scheduler's variable.
#[derive(Clone, Copy)]
enum Index {
    Flag,
    Var(&'static str),
}

/// How shard `i` of a plan gets its index.
type IndexOf = fn(u64) -> Index;

/// Runs every shard of `count` into `dir`; returns their paths in index order.
fn run_shards(
    dir: &Path,
    count: u64,
    runs: u64,
    seed: u64,
    how: impl Fn(u64) -> Index,
) -> Vec<PathBuf> {
    (0..count)
        .map(|i| {
            let mut cmd = warmshell();
            mc_args(&mut cmd, runs, seed).arg("--out").arg(dir);
            match how(i) {
                Index::Flag => cmd.args(["--shard", &format!("{i}/{count}")]),
                Index::Var(var) => cmd
                    .args(["--shard", &format!("auto/{count}")])
                    .env(var, i.to_string()),
            };
            ok(cmd.output().expect("run a shard"));
            let path = dir.join(Shard { index: i, count }.file_name());
            assert!(path.is_file(), "{} not written", path.display());
            path
        })
        .collect()
}

fn merge(shards: &[PathBuf], out: &Path) -> Output {
    warmshell()
        .arg("merge")
        .args(shards)
        .arg("--scenario")
        .arg(sites())
        .arg("--out")
        .arg(out)
        .output()
        .expect("run merge")
}

/// A reproducible shuffle (xorshift), different for each `salt`.
fn shuffled<T: Clone>(items: &[T], salt: u64) -> Vec<T> {
    let mut v = items.to_vec();
    let mut x = 0x9E37_79B9_7F4A_7C15_u64 ^ salt.wrapping_mul(0x2545_F491_4F6C_DD1D);
    for i in (1..v.len()).rev() {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        v.swap(i, (x % (i as u64 + 1)) as usize);
    }
    v
}

/// One machine's mc.json and table.
fn single(dir: &Path) -> (Vec<u8>, Vec<u8>) {
    let out = ok(mc_args(&mut warmshell(), RUNS, SEED)
        .arg("--out")
        .arg(dir)
        .output()
        .expect("run mc"));
    let json = std::fs::read(dir.join("mc.json")).expect("mc.json");
    (json, out.stdout)
}

#[test]
fn merged_shards_equal_one_machine_for_1_2_7_and_16_shards_in_any_order() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (json, table) = single(&tmp.path().join("single"));
    // Every way of getting an index is used: the flag, and each scheduler's variable
    // (Slurm arrays, Kubernetes Indexed Jobs, AWS Batch array jobs).
    let plans: [(u64, IndexOf); 4] = [
        (1, |_| Index::Flag),
        (2, |_| Index::Var("SLURM_ARRAY_TASK_ID")),
        (7, |_| Index::Var("JOB_COMPLETION_INDEX")),
        (16, |i| {
            if i % 2 == 0 {
                Index::Var("AWS_BATCH_JOB_ARRAY_INDEX")
            } else {
                Index::Flag
            }
        }),
    ];
    for (count, how) in plans {
        let dir = tmp.path().join(format!("shards-{count}"));
        let paths = run_shards(&dir, count, RUNS, SEED, how);
        for salt in 0..3 {
            let order = shuffled(&paths, count * 10 + salt);
            let out = tmp.path().join(format!("merged-{count}-{salt}"));
            let printed = ok(merge(&order, &out));
            let merged = std::fs::read(out.join("mc.json")).expect("merged mc.json");
            assert!(
                merged == json,
                "{count} shards (order {salt}): mc.json differs from one machine"
            );
            assert_eq!(
                String::from_utf8_lossy(&printed.stdout),
                String::from_utf8_lossy(&table),
                "{count} shards: the table differs"
            );
        }
        // A folder argument takes every shard in it.
        let out = tmp.path().join(format!("merged-{count}-dir"));
        ok(merge(std::slice::from_ref(&dir), &out));
        assert!(std::fs::read(out.join("mc.json")).expect("mc.json") == json);
    }
}

#[test]
fn incomplete_duplicated_or_mismatched_shards_are_refused() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("shards");
    let runs = 40;
    let paths = run_shards(&dir, 7, runs, SEED, |_| Index::Flag);
    let out = tmp.path().join("out");

    // Missing: the indices are named, as ranges.
    let some: Vec<PathBuf> = [0, 1, 5].iter().map(|&i| paths[i].clone()).collect();
    refused(merge(&some, &out), &["4 of 7 shards missing: 2-4, 6"]);
    // Duplicated, whether the same path twice or a copy under another name.
    let mut twice = paths.clone();
    twice.push(paths[3].clone());
    refused(merge(&twice, &out), &["shard 3 of 7 is given twice"]);
    let copy = tmp.path().join("copy-of-3.json");
    std::fs::copy(&paths[3], &copy).expect("copy");
    let mut copied = paths.clone();
    copied[4] = copy;
    refused(
        merge(&copied, &out),
        &["shard 3 of 7 is given twice", "copy-of-3.json"],
    );

    // From another seed, run count or shard count: real shards of other commands.
    let other = tmp.path().join("other");
    let seed = run_shards(&other.join("seed"), 2, runs, SEED + 1, |_| Index::Flag);
    let mut mixed = paths.clone();
    mixed[6] = seed[1].clone();
    refused(
        merge(&mixed, &out),
        &["different seeds", "seed 4242", "seed 4243"],
    );
    let n = run_shards(&other.join("runs"), 7, runs + 1, SEED, |i| {
        if i == 0 {
            Index::Flag
        } else {
            Index::Var("JOB_COMPLETION_INDEX")
        }
    });
    mixed = paths.clone();
    mixed[0] = n[0].clone();
    refused(
        merge(&mixed, &out),
        &["different run counts", "40 runs", "41 runs"],
    );
    let two = run_shards(&other.join("count"), 2, runs, SEED, |_| Index::Flag);
    mixed = paths.clone();
    mixed[1] = two[0].clone();
    refused(
        merge(&mixed, &out),
        &["different shard counts", "7 shards", "2 shards"],
    );

    // From another scenario or program version (edited records: one field each).
    let edit = |i: usize, key: &str, value: serde_json::Value| {
        let mut v: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&paths[i]).expect("read")).expect("json");
        v[key] = value;
        let path = tmp.path().join(format!("edited-{key}-{i}.json"));
        std::fs::write(&path, serde_json::to_vec(&v).expect("json")).expect("write");
        path
    };
    mixed = paths.clone();
    mixed[2] = edit(2, "scenario_hash", "sha256:00".into());
    refused(merge(&mixed, &out), &["different scenarios", "sha256:00"]);
    mixed = paths.clone();
    mixed[2] = edit(2, "warmshell", "0.0.1".into());
    refused(
        merge(&mixed, &out),
        &["written by warmshell 0.0.1", "edited-warmshell-2.json"],
    );
    mixed = paths.clone();
    mixed[5] = edit(5, "version", 99.into());
    refused(merge(&mixed, &out), &["format version 99"]);
    // Counts that no 40 runs could give are caught before adding.
    let mut v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&paths[2]).expect("read")).expect("json");
    v["aggregate"]["before_rival"][0] = u64::MAX.into();
    let bad = tmp.path().join("bad-counts.json");
    std::fs::write(&bad, serde_json::to_vec(&v).expect("json")).expect("write");
    mixed = paths.clone();
    mixed[2] = bad;
    refused(
        merge(&mixed, &out),
        &["damaged shard file", "bad-counts.json"],
    );

    // Not shards at all: an mc.json, a truncated shard, a folder with none.
    let json_dir = tmp.path().join("single");
    ok(mc_args(&mut warmshell(), 5, SEED)
        .arg("--out")
        .arg(&json_dir)
        .output()
        .expect("mc"));
    mixed = paths.clone();
    mixed[0] = json_dir.join("mc.json");
    refused(
        merge(&mixed, &out),
        &["not a warmshell shard file", "warmshell-mc"],
    );
    let bytes = std::fs::read(&paths[1]).expect("read");
    let cut = tmp.path().join("cut.json");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).expect("write");
    mixed = paths.clone();
    mixed[1] = cut;
    refused(merge(&mixed, &out), &["cut.json"]);
    refused(
        merge(&[tmp.path().join("other")], &out),
        &["no shard-*.json files"],
    );
    refused(
        merge(&[tmp.path().join("absent.json")], &out),
        &["absent.json", "cannot read"],
    );

    // The scenario has changed since the shards ran.
    let changed = tmp.path().join("changed");
    support::copy_dir(&sites(), &changed);
    let yaml = changed.join("scenario.yaml");
    let text = std::fs::read_to_string(&yaml).expect("read") + "# an edit\n";
    std::fs::write(&yaml, text).expect("write");
    let out2 = warmshell()
        .arg("merge")
        .args(&paths)
        .arg("--scenario")
        .arg(&changed)
        .arg("--out")
        .arg(&out)
        .output()
        .expect("merge");
    refused(out2, &["is not the one the shards ran on", "changed"]);
    // Without --scenario, merge finds the folder the shards recorded.
    ok(warmshell()
        .arg("merge")
        .args(&paths)
        .arg("--out")
        .arg(&out)
        .output()
        .expect("merge"));
    assert!(out.join("mc.json").is_file());
}

#[test]
fn bad_shard_flags_are_refused_before_running() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("out");
    let run = |shard: &str, env: Option<(&str, &str)>, with_out: bool| {
        let mut cmd = warmshell();
        mc_args(&mut cmd, 10, SEED).args(["--shard", shard]);
        if with_out {
            cmd.arg("--out").arg(&out);
        }
        if let Some((k, v)) = env {
            cmd.env(k, v);
        }
        cmd.output().expect("run mc")
    };
    for bad in ["3", "4/4", "x/4", "1/0", "auto"] {
        refused(run(bad, None, true), &["--shard"]);
    }
    refused(
        run("auto/4", None, true),
        &["SLURM_ARRAY_TASK_ID, JOB_COMPLETION_INDEX, AWS_BATCH_JOB_ARRAY_INDEX"],
    );
    refused(
        run("auto/4", Some(("SLURM_ARRAY_TASK_ID", "4")), true),
        &[
            "shard index 4 (from SLURM_ARRAY_TASK_ID) is not below the shard count 4",
            "--array=0-3",
        ],
    );
    refused(
        run("auto/4", Some(("AWS_BATCH_JOB_ARRAY_INDEX", "one")), true),
        &["AWS_BATCH_JOB_ARRAY_INDEX=`one`"],
    );
    refused(run("1/4", None, false), &["--shard needs --out"]);
    assert!(!out.exists(), "nothing is written when a flag is wrong");
}

/// Through the library, on a scenario cheap enough for more than
/// SENSITIVITY_RUNS runs: shards past that carry no rank samples, and the
/// merged Spearman and every figure are still exactly one machine's.
#[test]
fn shards_across_the_sensitivity_cut_merge_exactly() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    std::fs::write(
        dir.join("scenario.yaml"),
        "start: 2025-01-01\nhorizon: 2026-12-31\n",
    )
    .expect("write");
    std::fs::write(
        dir.join("site.yaml"),
        "pue: 1.2
tasks:
  shell: { kind: construction, duration: { triangular: [20d, 40d, 90d] } }
  grid: { kind: interconnection, duration: { lognormal: { p50: 60d, p90: 120d } } }
halls:
  hall-1: { it_mw: 1, ready: shell }
power:
  grid-1: { mw: 1, from: grid }
orders:
  gb200:
    generation: GB200
    racks: 2
    rack_kw: 100
    gpus_per_rack: 72
    ordered: 2025-01-01
    lead_time: { uniform: [10d, 50d] }
    racks_per_week: 1
install: { crews: 1, days_per_rack: 1, burn_in: 1d }
",
    )
    .expect("write");
    let scenario = warmshell::load_dir(dir).expect("valid scenario");
    let hash = shard::scenario_hash(dir, &scenario).expect("hash");
    let runs = montecarlo::SENSITIVITY_RUNS + 1_500;
    let options = McOptions {
        runs,
        seed: 7,
        threads: 2,
    };
    let whole = montecarlo::run(&scenario, options, &|| {}).expect("run");
    let whole = serde_json::to_vec_pretty(&whole).expect("json");
    let count = 5;
    let mut shards: Vec<ReadShard> = (0..count)
        .map(|index| {
            let s = Shard { index, count };
            let file = shard::run(
                &scenario,
                hash.clone(),
                dir.to_path_buf(),
                options,
                s,
                &|| {},
            )
            .expect("shard");
            let path = PathBuf::from(s.file_name());
            // Through the bytes of the file, as merge reads it.
            let file =
                ShardFile::from_bytes(&path, &file.to_bytes().expect("bytes")).expect("parse");
            ReadShard { path, file }
        })
        .collect();
    // Shard 4 (runs 5,200..6,500) is past the cut; shard 3 straddles it.
    assert!(shards[4].file.first_run >= montecarlo::SENSITIVITY_RUNS);
    shards.reverse();
    let merged = shard::merge(&scenario, dir, &hash, shards).expect("merge");
    assert!(serde_json::to_vec_pretty(&merged).expect("json") == whole);
}

/// The commands of the shipped Kubernetes and AWS Batch job files, run as
/// written (fewer runs, local paths) once per index with that scheduler's
/// index variable set, then merged as their merge jobs say.
#[test]
fn the_kubernetes_and_aws_batch_examples_run_and_merge() {
    let jobs = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/jobs");
    let json = |name: &str| -> serde_json::Value {
        serde_json::from_slice(&std::fs::read(jobs.join(name)).expect("read example"))
            .expect("valid JSON")
    };
    let strings = |v: &serde_json::Value| -> Vec<String> {
        v.as_array()
            .expect("a list")
            .iter()
            .map(|s| s.as_str().expect("a string").to_owned())
            .collect()
    };
    let aws = json("aws-batch-array.json");
    let aws_size = aws["arrayProperties"]["size"].as_u64().expect("array size");
    let aws_shard = strings(&aws["containerOverrides"]["command"]);
    let aws_merge = strings(&json("aws-batch-merge.json")["containerOverrides"]["command"]);

    let k8s = |name: &str| {
        let text = std::fs::read_to_string(jobs.join(name)).expect("read example");
        warmshell::scenario::yaml::parse(&text).expect("valid YAML")
    };
    let shards_job = k8s("k8s-indexed-job.yaml");
    let spec = yaml_get(&shards_job, "spec");
    assert_eq!(yaml_str(yaml_get(spec, "completionMode")), "Indexed");
    let completions = match yaml_get(spec, "completions").value {
        warmshell::scenario::yaml::Value::Int(n) => u64::try_from(n).expect("completions"),
        _ => panic!("completions is not a number"),
    };
    let container = |job: &warmshell::scenario::yaml::Node| -> Vec<String> {
        let pod = yaml_get(yaml_get(yaml_get(job, "spec"), "template"), "spec");
        let warmshell::scenario::yaml::Value::Seq(containers) = &yaml_get(pod, "containers").value
        else {
            panic!("containers is not a list");
        };
        let mut argv = yaml_list(yaml_get(&containers[0], "command"));
        argv.extend(yaml_list(yaml_get(&containers[0], "args")));
        argv
    };
    let k8s_shard = container(&shards_job);
    let k8s_merge = container(&k8s("k8s-merge-job.yaml"));

    let tmp = tempfile::tempdir().expect("tempdir");
    let runs = 64;
    for (name, var, count, shard_argv, merge_argv) in [
        (
            "aws",
            "AWS_BATCH_JOB_ARRAY_INDEX",
            aws_size,
            aws_shard,
            aws_merge,
        ),
        (
            "k8s",
            "JOB_COMPLETION_INDEX",
            completions,
            k8s_shard,
            k8s_merge,
        ),
    ] {
        assert_eq!(&shard_argv[..2], ["warmshell", "mc"], "{name}");
        let flag = |argv: &[String], f: &str| -> String {
            let at = argv
                .iter()
                .position(|a| a == f)
                .unwrap_or_else(|| panic!("{name}: no {f}"));
            argv[at + 1].clone()
        };
        assert_eq!(
            flag(&shard_argv, "--shard"),
            format!("auto/{count}"),
            "{name}: N must be the job's size"
        );
        assert_eq!(&merge_argv[..2], ["warmshell", "merge"], "{name}");
        assert_eq!(
            merge_argv[2],
            flag(&shard_argv, "--out"),
            "{name}: merge reads where shards go"
        );
        let seed: u64 = flag(&shard_argv, "--seed").parse().expect("seed");
        let (scenario, shard_dir) = (flag(&shard_argv, "mc"), tmp.path().join(name));
        // The file's paths and run count, swapped for the test's.
        let local = |argv: &[String]| -> Vec<PathBuf> {
            let mut out: Vec<PathBuf> = Vec::new();
            for (i, a) in argv.iter().enumerate().skip(1) {
                let prev = argv[i - 1].as_str();
                out.push(match prev {
                    "-n" => runs.to_string().into(),
                    "--out" if argv[1] == "mc" => shard_dir.clone(),
                    "--out" => shard_dir.join("result"),
                    _ if *a == scenario => sites(),
                    _ if *a == merge_argv[2] => shard_dir.clone(),
                    _ => a.into(),
                });
            }
            out
        };
        for i in 0..count {
            ok(warmshell()
                .args(local(&shard_argv))
                .env(var, i.to_string())
                .output()
                .expect("run a shard"));
        }
        ok(warmshell()
            .args(local(&merge_argv))
            .output()
            .expect("merge"));
        let one = tmp.path().join(format!("{name}-single"));
        ok(mc_args(&mut warmshell(), runs, seed)
            .arg("--out")
            .arg(&one)
            .output()
            .expect("mc"));
        assert!(
            std::fs::read(shard_dir.join("result/mc.json")).expect("merged")
                == std::fs::read(one.join("mc.json")).expect("single"),
            "{name}: the example's merge differs from one machine"
        );
    }
}

fn yaml_get<'a>(
    node: &'a warmshell::scenario::yaml::Node,
    key: &str,
) -> &'a warmshell::scenario::yaml::Node {
    let warmshell::scenario::yaml::Value::Map(pairs) = &node.value else {
        panic!("not a map where `{key}` was looked for");
    };
    pairs
        .iter()
        .find(|(k, _)| matches!(&k.value, warmshell::scenario::yaml::Value::Str(s) if s == key))
        .map(|(_, v)| v)
        .unwrap_or_else(|| panic!("no `{key}`"))
}

fn yaml_str(node: &warmshell::scenario::yaml::Node) -> String {
    match &node.value {
        warmshell::scenario::yaml::Value::Str(s) => s.clone(),
        warmshell::scenario::yaml::Value::Int(n) => n.to_string(),
        other => panic!("not a string: {}", other.kind()),
    }
}

fn yaml_list(node: &warmshell::scenario::yaml::Node) -> Vec<String> {
    let warmshell::scenario::yaml::Value::Seq(items) = &node.value else {
        panic!("not a list");
    };
    items.iter().map(yaml_str).collect()
}

/// Shards of an array job write into one folder at the same moment; every
/// one of them must land (a folder swapped whole would drop the others').
#[test]
fn shards_written_at_once_into_one_folder_all_land() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("shards");
    let count = 8;
    let children: Vec<_> = (0..count)
        .map(|i| {
            let mut cmd = warmshell();
            mc_args(&mut cmd, 80, 5)
                .arg("--out")
                .arg(&dir)
                .args(["--shard", &format!("{i}/{count}")])
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("start a shard")
        })
        .collect();
    for child in children {
        ok(child.wait_with_output().expect("wait for a shard"));
    }
    for i in 0..count {
        let path = dir.join(Shard { index: i, count }.file_name());
        assert!(path.is_file(), "{} lost", path.display());
    }
}
