//! Issue 18 §1: every `unknown` input is a warning in the report (JSON `warnings`, terminal)
//! naming the file and its size; an empty file is a warning too.

mod support;

use serde_json::Value;

fn run(args: &[&str], files: &[&std::path::Path]) -> std::process::Output {
    support::watched_bin()
        .arg("analyze")
        .args(args)
        .args(files)
        .output()
        .expect("run")
}

#[test]
fn unknown_and_empty_inputs_are_warnings_with_their_size() {
    let dir = tempfile::tempdir().expect("tempdir");
    let junk = dir.path().join("junk.bin");
    std::fs::write(&junk, vec![0x5au8; 1234]).expect("write");
    let empty = dir.path().join("empty.log");
    std::fs::write(&empty, b"").expect("write");

    let out = run(&["--format", "json"], &[&junk, &empty]);
    let json: Value = serde_json::from_slice(&out.stdout).expect("json");
    let warnings: Vec<&str> = json["warnings"]
        .as_array()
        .expect("warnings")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("junk.bin") && w.contains("1234 bytes")),
        "{warnings:?}"
    );
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("empty.log") && w.contains("empty file")),
        "{warnings:?}"
    );

    let out = run(&[], &[&junk, &empty]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("junk.bin: not a format halfopen reads (1234 bytes)"),
        "{text}"
    );
    assert!(text.contains("empty.log: empty file (0 bytes)"), "{text}");
}
