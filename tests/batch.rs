//! `halfopen batch` (issue 8): a generated archive of good and broken incidents gives the expected
//! summary, a rerun after an interruption redoes only the unfinished incident, and the sharded,
//! `--stdin-paths` and GNU parallel runs merge to the same summary as one process.

mod support;

use assert_cmd::Command;
use halfopen_testgen::demo::demo_files;
use serde_json::{Value, json};
use std::io::Write;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

fn halfopen() -> Command {
    support::watched_bin()
}

fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes) in entries {
        w.start_file(*name, zip::write::SimpleFileOptions::default())
            .unwrap();
        w.write_all(bytes).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// Sets bit 0 (encrypted) of the general purpose flags in every local and central header.
fn set_encrypted_flag(b: &mut [u8]) {
    for i in 0..b.len().saturating_sub(10) {
        if b[i..i + 4] == [0x50, 0x4b, 0x03, 0x04] {
            b[i + 6] |= 1;
        } else if b[i..i + 4] == [0x50, 0x4b, 0x01, 0x02] {
            b[i + 8] |= 1;
        }
    }
}

/// The archive: good folders and zips, and one of each kind of broken incident.
fn make_archive(root: &Path) -> PathBuf {
    let arch = root.join("archive");
    std::fs::create_dir_all(&arch).unwrap();
    let demo = demo_files();
    let entries: Vec<(&str, &[u8])> = demo.iter().map(|f| (f.name, f.bytes.as_slice())).collect();
    // Good: the demo incident as a folder and as a zip (files in a subfolder).
    let a = arch.join("case-a");
    std::fs::create_dir(&a).unwrap();
    for f in &demo {
        std::fs::write(a.join(f.name), &f.bytes).unwrap();
    }
    let nested: Vec<(String, &[u8])> = entries
        .iter()
        .map(|(n, b)| (format!("collected/{n}"), *b))
        .collect();
    let nested_ref: Vec<(&str, &[u8])> = nested.iter().map(|(n, b)| (n.as_str(), *b)).collect();
    std::fs::write(arch.join("case-b.zip"), zip_of(&nested_ref)).unwrap();
    // Corrupt captures next to a good event log: one cut mid-packet (a skipped record), one cut
    // inside its file header (unreadable). ok, with the damage counted.
    let c = arch.join("case-c");
    std::fs::create_dir(&c).unwrap();
    let pcap = &demo[1].bytes;
    std::fs::write(c.join(demo[0].name), &demo[0].bytes).unwrap();
    std::fs::write(c.join("cut.pcap"), &pcap[..pcap.len() / 2 + 7]).unwrap();
    std::fs::write(c.join("short.pcap"), &pcap[..10]).unwrap();
    // Nothing readable: only a capture cut inside its header, and a file of unknown format.
    let h = arch.join("case-h");
    std::fs::create_dir(&h).unwrap();
    std::fs::write(h.join("short.pcap"), &pcap[..10]).unwrap();
    std::fs::write(h.join("readme.md"), b"# nothing here").unwrap();
    // Empty folder.
    std::fs::create_dir(arch.join("case-d")).unwrap();
    // A zip that tries to escape the output folder.
    std::fs::write(
        arch.join("case-e.zip"),
        zip_of(&[("ok.txt", b"x"), ("../../../escaped.txt", b"gotcha")]),
    )
    .unwrap();
    // Encrypted entry.
    let mut enc = zip_of(&entries);
    set_encrypted_flag(&mut enc);
    std::fs::write(arch.join("case-f.zip"), enc).unwrap();
    // A zip bomb (8 MiB of zeros).
    std::fs::write(
        arch.join("case-g.zip"),
        zip_of(&[("zeros.pcap", &vec![0u8; 8 << 20])]),
    )
    .unwrap();
    // Not incidents: a loose file and a hidden folder.
    std::fs::write(arch.join("notes.txt"), b"not an incident").unwrap();
    std::fs::create_dir(arch.join(".cache")).unwrap();
    arch
}

fn jsonl(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn row<'a>(rows: &'a [Value], incident: &str) -> &'a Value {
    rows.iter()
        .find(|r| r["incident"] == incident)
        .unwrap_or_else(|| panic!("no row for {incident}"))
}

fn batch(args: &[&str]) -> std::process::Output {
    halfopen().arg("batch").args(args).output().unwrap()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn archive_of_good_and_broken_incidents_gives_the_expected_summary() {
    let tmp = tempfile::tempdir().unwrap();
    let arch = make_archive(tmp.path());
    let out = tmp.path().join("out");
    let o = batch(&[
        s(&arch),
        "--out",
        s(&out),
        "--threads",
        "2",
        "--format",
        "json",
        "--format",
        "text",
        "--max-ratio",
        "200",
    ]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "stderr: {stderr}");

    let rows = jsonl(&out.join("summary.jsonl"));
    let names: Vec<&str> = rows
        .iter()
        .map(|r| r["incident"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "case-a",
            "case-b.zip",
            "case-c",
            "case-d",
            "case-e.zip",
            "case-f.zip",
            "case-g.zip",
            "case-h"
        ]
    );
    let demo_row = |name: &str| {
        json!({
            "schema_version": "1", "incident": name, "status": "ok", "findings": ["half_open_limit"],
            "hosts": ["IOMLKF35454W", "WS-ALARM01"], "events_4226": 1, "peak_half_open": 10,
            "syn_retransmissions": 80, "alarm_gap_seconds": 0.0, "clock_offsets": {},
            "inputs": 4, "records": 523, "skipped": 0, "input_errors": 0, "error": null
        })
    };
    assert_eq!(rows[0], demo_row("case-a"));
    assert_eq!(rows[1], demo_row("case-b.zip"));

    let c = row(&rows, "case-c");
    assert_eq!(c["status"], "ok", "{c}");
    assert_eq!(c["inputs"], 3);
    assert_eq!(c["input_errors"], 1, "{c}");
    assert_eq!(c["skipped"], 1, "the cut packet: {c}");
    assert_eq!(c["records"], 6 + 187, "{c}");
    assert_eq!(c["events_4226"], 1);
    assert_eq!(c["error"], Value::Null);

    let d = row(&rows, "case-d");
    assert_eq!(d["status"], "error");
    assert_eq!(d["error"], "no input files in the incident");
    let h = row(&rows, "case-h");
    assert_eq!(h["status"], "error");
    assert_eq!(
        h["error"],
        "no readable input: 1 of 2 files could not be read, 1 of unknown format"
    );
    assert_eq!(h["input_errors"], 1);
    for (name, what) in [
        (
            "case-e.zip",
            "\"../../../escaped.txt\" escapes the incident folder: zip refused",
        ),
        ("case-f.zip", "is encrypted: zip refused"),
        ("case-g.zip", "(ratio over 200:1, a zip bomb?): zip refused"),
    ] {
        let r = row(&rows, name);
        assert_eq!(r["status"], "error", "{r}");
        let e = r["error"].as_str().unwrap();
        assert!(e.contains(what), "{name}: {e}");
        assert!(
            stderr.contains(what),
            "stderr names the refusal of {name}: {stderr}"
        );
    }
    // Nothing escaped, nothing left unpacked.
    for p in [tmp.path().join("escaped.txt"), out.join("escaped.txt")] {
        assert!(!p.exists(), "{}", p.display());
    }
    assert_eq!(std::fs::read_dir(out.join(".unpack")).unwrap().count(), 0);

    // Reports per format; the zip's report reads the same story.
    for inc in ["case-a", "case-b.zip", "case-c"] {
        assert!(out.join(inc).join("report.txt").is_file(), "{inc}");
        let v: Value =
            serde_json::from_slice(&std::fs::read(out.join(inc).join("report.json")).unwrap())
                .unwrap();
        assert!(v["findings"].is_array(), "{inc}");
    }
    assert!(!out.join("case-e.zip").join("report.json").exists());

    // summary.csv: the same rows.
    let csv = std::fs::read_to_string(out.join("summary.csv")).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "incident,status,findings,hosts,events_4226,peak_half_open,syn_retransmissions,alarm_gap_seconds,clock_offsets,inputs,records,skipped,input_errors,error"
    );
    assert_eq!(
        lines[1],
        "case-a,ok,half_open_limit,IOMLKF35454W;WS-ALARM01,1,10,80,0,,4,523,0,0,"
    );
    assert_eq!(lines.len(), 9);
    // The table on stdout.
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        stdout.contains("8 incidents: 3 ok, 5 failed, 3 with findings"),
        "{stdout}"
    );
}

#[test]
fn rerun_after_an_interruption_redoes_only_the_unfinished_incident() {
    let tmp = tempfile::tempdir().unwrap();
    let arch = make_archive(tmp.path());
    let out = tmp.path().join("out");
    let args = [s(&arch), "--out", s(&out), "--threads", "2"];
    assert_eq!(batch(&args).status.code(), Some(1));
    let summary = std::fs::read(out.join("summary.jsonl")).unwrap();
    let stamp = |p: &Path| {
        let m = std::fs::metadata(p).unwrap();
        (m.ino(), m.mtime(), m.mtime_nsec())
    };
    let kept = ["case-b.zip", "case-c"].map(|i| {
        let r = out.join(i).join("report.json");
        let m = out.join(i).join("manifest.json");
        (stamp(&r), stamp(&m))
    });
    // The interruption: case-a's report was written, its manifest never; a temp file is left.
    let a_report = out.join("case-a").join("report.json");
    let a_before = stamp(&a_report);
    std::fs::remove_file(out.join("case-a").join("manifest.json")).unwrap();
    std::fs::write(out.join("case-a").join(".report.json.tmp-4242"), b"half").unwrap();
    std::fs::remove_file(out.join("summary.jsonl")).unwrap();

    let o = batch(&args);
    assert_eq!(o.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&o.stderr);
    // case-b.zip and case-c were kept; the five error incidents are retried.
    assert!(
        stderr.contains("2 incidents were done before and kept"),
        "{stderr}"
    );
    assert!(
        stderr.contains("case-a: ok, findings: half_open_limit"),
        "{stderr}"
    );
    for (i, (r, m)) in ["case-b.zip", "case-c"].iter().zip(kept) {
        assert_eq!(
            stamp(&out.join(i).join("report.json")),
            r,
            "{i} report rewritten"
        );
        assert_eq!(
            stamp(&out.join(i).join("manifest.json")),
            m,
            "{i} manifest rewritten"
        );
    }
    assert_ne!(
        stamp(&a_report).0,
        a_before.0,
        "case-a was redone (new file renamed in)"
    );
    assert!(out.join("case-a").join("manifest.json").is_file());
    assert_eq!(std::fs::read(out.join("summary.jsonl")).unwrap(), summary);

    // A changed input redoes its incident; --force redoes everything.
    std::fs::write(arch.join("case-c").join("extra.txt"), b"hello").unwrap();
    let o = batch(&args);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("2 incidents were done before and kept"),
        "{stderr}"
    );
    let rows = jsonl(&out.join("summary.jsonl"));
    assert_eq!(row(&rows, "case-c")["inputs"], 4);
    let mut forced = args.to_vec();
    forced.push("--force");
    let stderr = String::from_utf8_lossy(&batch(&forced).stderr).to_string();
    assert!(!stderr.contains("done before"), "{stderr}");
}

#[test]
fn shards_and_stdin_paths_merge_to_the_single_process_summary() {
    let tmp = tempfile::tempdir().unwrap();
    let arch = make_archive(tmp.path());
    let single = tmp.path().join("single");
    batch(&[s(&arch), "--out", s(&single), "--threads", "2"]);
    let expected = std::fs::read_to_string(single.join("summary.jsonl")).unwrap();
    let expected_csv = std::fs::read_to_string(single.join("summary.csv")).unwrap();

    // Shards 0/3 (explicit), 1/3 (JOB_COMPLETION_INDEX), 2/3 (SLURM_ARRAY_TASK_ID) into one folder.
    let sharded = tmp.path().join("sharded");
    let mut shard_rows = 0;
    for (i, var) in [
        (0, None),
        (1, Some("JOB_COMPLETION_INDEX")),
        (2, Some("SLURM_ARRAY_TASK_ID")),
    ] {
        // Shards count from 1; JOB_COMPLETION_INDEX counts from 0, SLURM_ARRAY_TASK_ID from 1.
        let spec = match var {
            None => format!("{}/3", i + 1),
            Some(_) => "auto/3".to_string(),
        };
        let mut cmd = halfopen();
        cmd.env_remove("JOB_COMPLETION_INDEX")
            .env_remove("SLURM_ARRAY_TASK_ID");
        match var {
            Some("JOB_COMPLETION_INDEX") => cmd.env("JOB_COMPLETION_INDEX", i.to_string()),
            Some(v) => cmd.env(v, (i + 1).to_string()),
            None => &mut cmd,
        };
        cmd.args([
            "batch",
            s(&arch),
            "--out",
            s(&sharded),
            "--threads",
            "1",
            "--shard",
            &spec,
        ])
        .output()
        .unwrap();
        let part = jsonl(&sharded.join(format!("summary.shard-{}-of-3.jsonl", i + 1)));
        shard_rows += part.len();
    }
    assert_eq!(shard_rows, 8);
    let o = batch(&["--merge", "--out", s(&sharded)]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        std::fs::read_to_string(sharded.join("summary.jsonl")).unwrap(),
        expected
    );
    assert_eq!(
        std::fs::read_to_string(sharded.join("summary.csv")).unwrap(),
        expected_csv
    );

    // --stdin-paths: one JSON line per incident on stdout, in completion order.
    let mut paths: Vec<String> = std::fs::read_dir(&arch)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            let n = p.file_name().unwrap().to_string_lossy();
            !n.starts_with('.') && (p.is_dir() || n.ends_with(".zip"))
        })
        .map(|p| p.display().to_string())
        .collect();
    paths.reverse();
    let piped = tmp.path().join("piped");
    let o = halfopen()
        .args([
            "batch",
            "--stdin-paths",
            "--out",
            s(&piped),
            "--threads",
            "2",
        ])
        .write_stdin(paths.join("\n") + "\n")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let mut lines: Vec<String> = String::from_utf8(o.stdout)
        .unwrap()
        .lines()
        .map(String::from)
        .collect();
    lines.sort();
    assert_eq!(lines.join("\n") + "\n", expected);
    batch(&["--merge", "--out", s(&piped)]);
    assert_eq!(
        std::fs::read_to_string(piped.join("summary.jsonl")).unwrap(),
        expected
    );

    // Shards in separate output folders merge too.
    let (x, y) = (tmp.path().join("x"), tmp.path().join("y"));
    batch(&[s(&arch), "--out", s(&x), "--shard", "1/2"]);
    batch(&[s(&arch), "--out", s(&y), "--shard", "2/2"]);
    batch(&["--merge", "--out", s(&x), s(&y)]);
    assert_eq!(
        std::fs::read_to_string(x.join("summary.jsonl")).unwrap(),
        expected
    );
}

/// The GNU parallel recipe of README.md, run as written (with this build first on PATH).
#[test]
fn gnu_parallel_recipe_merges_to_the_single_process_summary() {
    let has_parallel = std::process::Command::new("parallel")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_parallel {
        eprintln!("parallel is not installed: skipping the GNU parallel recipe");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let arch = make_archive(tmp.path());
    let single = tmp.path().join("single");
    batch(&[s(&arch), "--out", s(&single), "--threads", "2"]);
    let expected = std::fs::read_to_string(single.join("summary.jsonl")).unwrap();

    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let recipe = doc
        .split("```sh\n# GNU parallel\n")
        .nth(1)
        .and_then(|r| r.split("```").next())
        .expect("README.md has the GNU parallel recipe");
    let bin = assert_cmd::cargo::cargo_bin("halfopen");
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = tmp.path().join("out");
    // coreutils `timeout`: the recipe's parallel jobs are killed after the watchdog's deadline.
    let o = std::process::Command::new("timeout")
        .args(["-k", "5", "120", "sh", "-c", recipe])
        .current_dir(tmp.path())
        .env("PATH", path)
        .env("ARCHIVE", &arch)
        .env("OUT", &out)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(out.join("summary.jsonl").is_file(), "stderr: {stderr}");
    assert_eq!(
        std::fs::read_to_string(out.join("summary.jsonl")).unwrap(),
        expected,
        "{stderr}"
    );
    let mut lines: Vec<String> = std::fs::read_to_string(tmp.path().join("rows.jsonl"))
        .unwrap()
        .lines()
        .map(String::from)
        .collect();
    lines.sort();
    assert_eq!(lines.join("\n") + "\n", expected);
}

#[test]
fn shard_auto_without_an_index_is_a_usage_error() {
    let tmp = tempfile::tempdir().unwrap();
    let o = halfopen()
        .env_remove("JOB_COMPLETION_INDEX")
        .env_remove("SLURM_ARRAY_TASK_ID")
        .args([
            "batch",
            s(tmp.path()),
            "--out",
            s(&tmp.path().join("o")),
            "--shard",
            "auto/4",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("JOB_COMPLETION_INDEX"));
    // A refused run leaves no output folder behind.
    assert!(!tmp.path().join("o").exists());
}

#[test]
fn shard_zero_is_refused_with_the_convention_and_leaves_no_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("o");
    let o = halfopen()
        .args(["batch", s(tmp.path()), "--out", s(&out), "--shard", "0/2"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("shards count from 1"), "{err}");
    assert!(!out.exists());
}

#[test]
fn exit_0_when_every_incident_is_read_in_full_3_when_one_skipped_something() {
    let tmp = tempfile::tempdir().unwrap();
    let arch = tmp.path().join("archive");
    let demo = demo_files();
    let good = arch.join("case-good");
    std::fs::create_dir_all(&good).unwrap();
    for f in &demo {
        std::fs::write(good.join(f.name), &f.bytes).unwrap();
    }
    let o = batch(&[s(&arch), "--out", s(&tmp.path().join("out1"))]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );

    // The same evidence beside a capture cut inside its file header: analysed, but not in full.
    let cut = arch.join("case-cut");
    std::fs::create_dir_all(&cut).unwrap();
    for f in &demo {
        std::fs::write(cut.join(f.name), &f.bytes).unwrap();
    }
    std::fs::write(cut.join("cut.pcap"), &demo[1].bytes[..12]).unwrap();
    let o = batch(&[s(&arch), "--out", s(&tmp.path().join("out2"))]);
    assert_eq!(
        o.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}
