//! Issue 15 §5: Ctrl-C (SIGINT) on a long `analyze` or `batch` exits within 1 s with code 130,
//! leaves no half-written report, summary or temp file, and a rerun of `batch` resumes.

mod support;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};
use support::{halfopen, spawn, tail, wait_watched, write_bundle};

/// How long after SIGINT the process must be gone.
const GRACE: Duration = Duration::from_secs(1);

fn sigint(pid: u32) {
    let ok = Command::new("kill")
        .args(["-INT", &pid.to_string()])
        .status()
        .expect("kill")
        .success();
    assert!(ok, "kill -INT {pid}");
}

/// Every file under `root` whose name says it is a temp file of ours.
fn temp_files(root: &Path) -> Vec<String> {
    let mut found = Vec::new();
    let mut todo = vec![root.to_path_buf()];
    while let Some(p) = todo.pop() {
        if p.is_dir() {
            for e in std::fs::read_dir(&p).unwrap() {
                todo.push(e.unwrap().path());
            }
        } else if p.to_string_lossy().contains(".tmp-") {
            found.push(p.display().to_string());
        }
    }
    found
}

#[test]
fn ctrl_c_on_a_long_analyze_exits_at_once_and_writes_no_report() {
    let dir = tempfile::tempdir().unwrap();
    let bundle = dir.path().join("bundle");
    // Long enough to be interrupted (the event-log fast path reads 40,000 records in ~20 ms):
    // captures too.
    write_bundle(&bundle, 4, 250_000, 4, 0);
    let report = dir.path().join("out").join("report.json");
    std::fs::create_dir_all(report.parent().unwrap()).unwrap();
    let mut cmd = halfopen(["analyze", "--format", "json", "-o"]);
    cmd.arg(&report).arg(&bundle);
    let started = Instant::now();
    let (mut child, out, err) = spawn(&mut cmd);
    std::thread::sleep(Duration::from_millis(400));
    assert!(
        child.try_wait().unwrap().is_none(),
        "analyze ended before the interrupt: make the bundle bigger"
    );
    sigint(child.id());
    let signalled = Instant::now();
    let run = wait_watched(&cmd, child, out, err, started, support::DEADLINE);
    let took = signalled.elapsed();
    assert!(took < GRACE, "exit took {took:?} after SIGINT");
    assert_eq!(run.status.code(), Some(130), "{}", run.stderr);
    assert!(run.stderr.contains("interrupted"), "{}", run.stderr);
    assert!(
        !report.exists(),
        "a report was written by an interrupted run"
    );
    assert_eq!(temp_files(dir.path()), Vec::<String>::new());
}

#[test]
fn ctrl_c_on_a_long_batch_leaves_only_whole_files_and_a_rerun_resumes() {
    let dir = tempfile::tempdir().unwrap();
    let arch = dir.path().join("archive");
    let n = 40;
    for i in 0..n {
        write_bundle(&arch.join(format!("case-{i:02}")), 2, 1000, 0, 1);
    }
    let out = dir.path().join("out");
    let args = |extra: &[&str]| {
        let mut c = halfopen(["batch", "--threads", "2", "--out"]);
        c.arg(&out).arg(&arch).args(extra);
        c
    };
    let mut cmd = args(&[]);
    let started = Instant::now();
    let (mut child, stdout, stderr) = spawn(&mut cmd);
    // Wait until a few incidents are done (one stderr line each when stderr is not a terminal).
    loop {
        let so_far = String::from_utf8_lossy(&stderr.snapshot()).into_owned();
        if so_far.contains("[3/") {
            break;
        }
        assert!(
            child.try_wait().unwrap().is_none(),
            "batch ended before the interrupt: {}",
            tail(&so_far, 5)
        );
        assert!(
            started.elapsed() < support::DEADLINE,
            "hung: {}",
            tail(&so_far, 5)
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    sigint(child.id());
    let signalled = Instant::now();
    let run = wait_watched(&cmd, child, stdout, stderr, started, support::DEADLINE);
    let took = signalled.elapsed();
    assert!(took < GRACE, "exit took {took:?} after SIGINT");
    assert_eq!(run.status.code(), Some(130), "{}", tail(&run.stderr, 5));
    assert_eq!(temp_files(&out), Vec::<String>::new());
    assert!(
        !out.join("summary.jsonl").exists(),
        "summary of an interrupted run"
    );
    assert!(
        !out.join("summary.csv").exists(),
        "summary of an interrupted run"
    );
    // Every report present is whole: it parses.
    let mut finished = 0;
    for e in std::fs::read_dir(&out).unwrap() {
        let p = e.unwrap().path().join("report.json");
        if p.exists() {
            let bytes = std::fs::read(&p).unwrap();
            serde_json::from_slice::<serde_json::Value>(&bytes)
                .unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        }
        if p.with_file_name("manifest.json").exists() {
            finished += 1;
        }
    }
    assert!((3..n).contains(&finished), "{finished} incidents finished");

    // The rerun keeps the finished incidents and does the rest.
    let rerun = support::run_watched(args(&[]));
    assert_eq!(rerun.status.code(), Some(0), "{}", tail(&rerun.stderr, 5));
    assert!(
        rerun
            .stderr
            .contains(&format!("{finished} incidents were done before and kept")),
        "{}",
        tail(&rerun.stderr, 3)
    );
    let rows = std::fs::read_to_string(out.join("summary.jsonl")).unwrap();
    assert_eq!(rows.lines().count(), n);
}
