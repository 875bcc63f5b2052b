//! Binary tests: exit codes, stderr naming the path, and the demo incident's story.

mod support;

use assert_cmd::Command;
use predicates::str::contains;
use serde_json::Value;

const DEMO: &str = "fixtures/demo";
const NETSTAT_TIME: &str = "2026-03-14T10:02:40Z";

fn halfopen() -> Command {
    support::watched_bin()
}

fn demo_json() -> Value {
    let out = halfopen()
        .args([
            "analyze",
            "--format",
            "json",
            "--netstat-time",
            NETSTAT_TIME,
            DEMO,
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn find<'a>(arr: &'a Value, key: &str, ends_with: &str) -> &'a Value {
    arr.as_array()
        .unwrap()
        .iter()
        .find(|v| v[key].as_str().is_some_and(|s| s.ends_with(ends_with)))
        .unwrap_or_else(|| panic!("no entry with {key} ending in {ends_with}"))
}

#[test]
fn missing_path_is_one_line_naming_it_exit_2_and_no_report() {
    let assert = halfopen()
        .args([
            "analyze",
            "--format",
            "json",
            "no/such/file.evtx",
            "fixtures/demo/technote-838-netstat.txt",
        ])
        .assert()
        .code(2)
        .stderr(contains("no/such/file.evtx"));
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        assert.get_output().stdout.is_empty(),
        "a report was written"
    );
}

#[test]
fn unknown_file_alone_is_no_evidence_exit_4_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("notes.evtx"); // the name lies: content decides
    std::fs::write(&p, b"call the customer back on Monday\n").unwrap();
    let out = halfopen()
        .args(["analyze", "--format", "json"])
        .arg(&p)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["inputs"][0]["format"], "unknown");
    assert_eq!(v["inputs"][0]["records"], 0);
    let first = v["warnings"][0].as_str().unwrap();
    assert!(first.starts_with("no evidence was recognised"), "{first}");
    assert_eq!(v["evidence_recognised"], false);
    let verdicts = v["verdicts"].as_array().unwrap();
    assert_eq!(verdicts.len(), 1, "{verdicts:?}");
    assert_eq!(verdicts[0]["severity"], "no_evidence");
    assert_eq!(verdicts[0]["host"], "");
}

#[test]
fn a_folder_of_unrelated_files_has_the_no_evidence_verdict_never_nothing_found() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("README"), b"# notes\nnothing here\n").unwrap();
    std::fs::write(dir.path().join("data.bin"), [0u8, 1, 2, 3, 255, 254]).unwrap();
    let out = halfopen()
        .args(["analyze", "--host", "WS-ALARM01=10.1.1.10"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4));
    let text = String::from_utf8(out.stdout).unwrap();
    let verdicts = text
        .split("VERDICTS\n")
        .nth(1)
        .and_then(|v| v.split("\n\n").next())
        .expect("a VERDICTS section");
    assert!(
        verdicts.starts_with("  [no evidence] No evidence was recognised: none of the 2 inputs"),
        "{verdicts}"
    );
    // A host named on the command line is not called fine when nothing was read.
    assert!(!text.contains("no sign"), "{text}");
    assert!(!text.contains("no host reached"), "{text}");
}

#[test]
fn an_unknown_file_beside_evidence_is_a_warning_not_a_skip_exit_0() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("notes.txt");
    std::fs::write(&p, b"call the customer back on Monday\n").unwrap();
    let out = halfopen()
        .args([
            "analyze",
            "--format",
            "json",
            "fixtures/demo/technote-838-netstat.txt",
        ])
        .arg(&p)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn a_damaged_input_beside_evidence_completes_with_exit_3() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("cut.evt");
    // `LfLe` at byte 4 but only 12 bytes: an .evt whose header is cut.
    std::fs::write(&p, b"\x30\0\0\0LfLe\x01\0\0\0").unwrap();
    let out = halfopen()
        .args([
            "analyze",
            "--format",
            "json",
            "fixtures/demo/technote-838-netstat.txt",
        ])
        .arg(&p)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let evt = v["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["format"] == "evt")
        .expect("the .evt input");
    assert!(evt["error"].is_string(), "{evt}");
}

#[test]
fn nothing_found_in_an_empty_folder_is_no_evidence_exit_4() {
    let dir = tempfile::tempdir().unwrap();
    halfopen()
        .args(["analyze"])
        .arg(dir.path())
        .assert()
        .code(4)
        .stdout(contains("no evidence was recognised"));
}

#[test]
fn bad_arguments_exit_2_with_a_message() {
    halfopen()
        .args(["analyze", "--host", "WS-ALARM01", DEMO])
        .assert()
        .code(2)
        .stderr(contains("NAME=IP"));
}

#[test]
fn demo_json_tells_the_story() {
    let v = demo_json();
    // Inputs: every demo file recognised from its content.
    let formats: Vec<(&str, &str)> = v["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["path"].as_str().unwrap(), i["format"].as_str().unwrap()))
        .collect();
    assert_eq!(
        formats,
        vec![
            ("fixtures/demo/WS-ALARM01-System.evtx", "evtx"),
            ("fixtures/demo/WS-ALARM01-capture.pcap", "pcap"),
            ("fixtures/demo/WS-ALARM01-netstat-ano.txt", "netstat"),
            ("fixtures/demo/technote-838-netstat.txt", "netstat"),
        ]
    );
    assert!(
        v["inputs"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["skipped"] == 0)
    );
    assert_eq!(find(&v["inputs"], "path", "System.evtx")["records"], 6);

    // Capture counts: 40 dead hosts × 3 SYNs + 2 reconnects + 1 refused; 2 SYN-ACKs; 3 RSTs.
    let c = &v["captures"][0];
    assert_eq!(c["tcp_syn"], 123);
    assert_eq!(c["syn_retransmissions"], 80);
    assert_eq!(c["syn_ack"], 2);
    assert_eq!(c["rst"], 3);
    assert_eq!(c["handshakes"]["established"], 2);
    assert_eq!(c["handshakes"]["refused"], 1);
    assert_eq!(c["handshakes"]["unanswered"], 40);
    assert_eq!(c["handshakes"]["open_at_end"], 0);

    // Netstat: the demo's two snapshots at the option's time, SYN_SENT by PID.
    let n = &v["netstat"];
    let ano = n
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["path"].as_str().unwrap().ends_with("netstat-ano.txt") && s["snapshot"] == 1)
        .unwrap();
    assert_eq!(ano["time"], "2026-03-14T10:02:40.000000000Z");
    assert_eq!(ano["time_source"], "option");
    assert_eq!(ano["rows"], 19);
    assert_eq!(ano["by_state"]["SYN_SENT"], 10);
    assert_eq!(ano["by_state"]["LISTENING"], 5);
    assert_eq!(ano["syn_sent_by_pid"]["2412"], 10);
    assert_eq!(ano["command"], "netstat -ano");

    // Hosts: the evtx Computer, the netstat names/addresses and the capture's SYN sender merge.
    let h = find(&v["hosts"], "name", "WS-ALARM01");
    assert_eq!(h["addresses"], serde_json::json!(["10.1.1.10"]));
    assert_eq!(h["peak_half_open"], 10);
    assert_eq!(h["peak_half_open_at"], "2026-03-14T10:02:10.090000000Z");
    assert_eq!(h["events"]["4226"], 1);
    assert_eq!(h["events"]["6005"], 1);
    assert_eq!(h["events"]["6006"], 1);

    // The finding names the workstation, the 4226 time, the peak, the retries and the culprit.
    let f = &v["findings"][0];
    assert_eq!(v["findings"].as_array().unwrap().len(), 1);
    assert_eq!(f["kind"], "half_open_limit");
    assert_eq!(f["host"], "WS-ALARM01");
    assert_eq!(f["start"], "2026-03-14T10:02:10.090000000Z");
    assert_eq!(f["events_4226"], 1);
    assert_eq!(f["peak_half_open"], 10);
    assert_eq!(f["syn_retransmissions"], 80);
    assert_eq!(f["culprits"][0]["pid"], 2412);
    assert_eq!(f["unanswered_destinations"].as_array().unwrap().len(), 40);
    let summary = f["summary"].as_str().unwrap();
    assert!(
        summary.contains("Event 4226 at 2026-03-14T10:02:13.0000000Z"),
        "{summary}"
    );
    assert!(summary.contains("PID 2412"), "{summary}");
    // The window runs to the end of the fourth wave: 4 × 21 s after 10:02:10.09 (give-up time).
    assert_eq!(f["end"], "2026-03-14T10:03:34.000800000Z");
    assert_eq!(f["confidence"], "high");
    // The evidence points at the SYN that filled the 10th slot (tshark: frame 272, 10.1.1.10 →
    // 10.1.2.10 SYN at 10:02:10.09).
    let reached = f["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "half_open_limit_reached")
        .unwrap();
    assert_eq!(reached["source"]["locator"], "frame 272");

    // The verdict comes first and tells the story with the fix.
    let verdict = &v["verdicts"][0];
    assert_eq!(verdict["host"], "WS-ALARM01");
    assert_eq!(verdict["severity"], "critical");
    let text = verdict["text"].as_str().unwrap();
    for needle in [
        "at 2026-03-14T10:02:13.0000000Z (Event 4226)",
        "it had 10 connection attempts outstanding and 80 SYN retries to 40 unreachable destinations, from PID 2412",
        "server OS",
        "stop what PID 2412 is doing",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in {text}");
    }

    // The capture's clock is anchored on the 4226 (inside the at-limit window: offset 0).
    let offsets = v["clock_offsets"].as_array().unwrap();
    let cap = offsets
        .iter()
        .find(|o| o["source"].as_str().unwrap().ends_with("capture.pcap"))
        .unwrap();
    assert_eq!(cap["method"], "half_open_limit_vs_4226");
    assert_eq!(cap["anchors"], 1);
    assert_eq!(cap["offset_s"], 0.0);

    // Timeline: sorted, with the 4226 and the boot marker.
    let tl = v["timeline"].as_array().unwrap();
    let times: Vec<&str> = tl.iter().map(|e| e["time"].as_str().unwrap()).collect();
    let e4226 = tl.iter().find(|e| e["kind"] == "tcpip_4226").unwrap();
    assert_eq!(e4226["time"], "2026-03-14T10:02:13.000000000Z");
    assert_eq!(e4226["host"], "WS-ALARM01");
    assert_eq!(e4226["source"]["locator"], "record 1205");
    assert_eq!(
        tl.iter()
            .filter(|e| e["kind"] == "syn_retransmission")
            .count(),
        80
    );
    assert_eq!(tl.iter().filter(|e| e["kind"] == "boot").count(), 1);
    assert!(times.first().unwrap() < times.last().unwrap());
}

#[test]
fn demo_text_report_names_host_4226_peak_and_pid() {
    let out = halfopen()
        .args(["analyze", "--netstat-time", NETSTAT_TIME, DEMO])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for needle in [
        "WS-ALARM01 reached the half-open connection limit (10)",
        "Event 4226 at 2026-03-14 10:02:13.000 UTC",
        "10 connection attempts outstanding from 2026-03-14 10:02:10.090 UTC to 2026-03-14 10:03:34.000 UTC",
        "80 SYN retransmissions to 40 unanswered destinations",
        "PID 2412 (10 SYN_SENT)",
        "EnableConnectionRateLimiting",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in:\n{text}");
    }
}

#[test]
fn threads_do_not_change_the_result() {
    let run = |threads: &str| {
        halfopen()
            .args([
                "analyze",
                "--format",
                "json",
                "--threads",
                threads,
                "--netstat-time",
                NETSTAT_TIME,
                DEMO,
            ])
            .output()
            .unwrap()
            .stdout
    };
    assert_eq!(run("1"), run("2"));
}

#[test]
fn output_file_extension_picks_the_format_and_several_formats_fill_a_folder() {
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("report.html");
    halfopen()
        .args(["analyze", "--netstat-time", NETSTAT_TIME, "-o"])
        .arg(&html)
        .arg(DEMO)
        .assert()
        .success();
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>") || page.starts_with("<!doctype html>"));

    let out = dir.path().join("reports");
    halfopen()
        .args([
            "analyze",
            "--netstat-time",
            NETSTAT_TIME,
            "-f",
            "json",
            "-f",
            "csv",
            "-o",
        ])
        .arg(&out)
        .arg(DEMO)
        .assert()
        .success();
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("report.json")).unwrap()).unwrap();
    assert_eq!(json["inputs"].as_array().unwrap().len(), 4);
    let csv = std::fs::read_to_string(out.join("report.csv")).unwrap();
    assert!(
        csv.starts_with("datetime,"),
        "{}",
        &csv[..40.min(csv.len())]
    );

    // Two formats and nowhere to put them: a usage error, nothing analysed.
    halfopen()
        .args(["analyze", "-f", "json", "-f", "csv", DEMO])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("-o DIR"));
}

#[test]
fn bash_completion_script_loads_in_bash_and_completes_the_subcommands() {
    let script = halfopen()
        .args(["completions", "bash"])
        .output()
        .unwrap()
        .stdout;
    assert!(!script.is_empty());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("halfopen.bash");
    std::fs::write(&path, &script).unwrap();
    // Load it, then ask it what follows `halfopen b`: the function clap wrote must answer.
    let probe = format!(
        "source '{}' && complete -p halfopen && COMP_WORDS=(halfopen b) COMP_CWORD=1 \
         COMP_LINE='halfopen b' COMP_POINT=10 && _halfopen halfopen b halfopen && \
         printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        path.display()
    );
    let out = std::process::Command::new("bash")
        .args(["--norc", "-c", &probe])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("-F _halfopen halfopen"), "{stdout}");
    assert!(stdout.lines().any(|l| l == "batch"), "{stdout}");
}

#[test]
fn man_page_renders_with_man_and_names_the_subcommands() {
    let page = halfopen().arg("man").output().unwrap().stdout;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("halfopen.1");
    std::fs::write(&path, &page).unwrap();
    let has_man = std::process::Command::new("man")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_man {
        eprintln!("man is not installed: checking the roff source only");
        let text = String::from_utf8_lossy(&page);
        assert!(text.contains(".TH halfopen"), "{text}");
        return;
    }
    let out = std::process::Command::new("man")
        .args(["-P", "cat", "-l"])
        .arg(&path)
        .env("MANWIDTH", "100")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("NAME"), "{text}");
    assert!(text.contains("halfopen-analyze"), "{text}");
    assert!(text.contains("halfopen-batch"), "{text}");
}

#[test]
fn version_names_the_commit_and_the_build_date() {
    let out = halfopen().arg("--version").output().unwrap();
    let v = String::from_utf8_lossy(&out.stdout);
    assert!(v.starts_with("halfopen 0."), "{v}");
    assert!(v.contains("(commit "), "{v}");
    assert!(v.contains(", built 20"), "{v}");
}

#[test]
fn verbose_shows_each_file_with_what_was_read() {
    let out = halfopen()
        .args([
            "analyze",
            "-v",
            "-f",
            "json",
            "--netstat-time",
            NETSTAT_TIME,
            DEMO,
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<&str> = err
        .lines()
        .filter(|l| l.contains("] fixtures/demo/"))
        .collect();
    assert_eq!(lines.len(), 4, "{err}");
    assert!(
        lines
            .iter()
            .any(|l| l.contains("WS-ALARM01-System.evtx: evtx, 6 records, 0 skipped")),
        "{err}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.contains("capture.pcap: pcap, 450 packets")),
        "{err}"
    );
    // Without -v (and stderr not a terminal) nothing is shown.
    let quiet = halfopen()
        .args([
            "analyze",
            "-f",
            "json",
            "--netstat-time",
            NETSTAT_TIME,
            DEMO,
        ])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&quiet.stderr), "");
}

/// README command 1, piped (COLUMNS unset): every line fits 100 columns, the verdict comes
/// first, one claim per line, and paths are relative to the inputs' folder.
#[test]
fn readme_command_1_piped_fits_100_columns() {
    let out = halfopen()
        .env_remove("COLUMNS")
        .args([
            "analyze",
            "--netstat-time",
            NETSTAT_TIME,
            "--alarm-provider",
            "10.1.1.10",
            "--alarm-client",
            "10.1.1.21",
            "--alarm-client",
            "10.1.1.22",
            DEMO,
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let long: Vec<&str> = text.lines().filter(|l| l.chars().count() > 100).collect();
    assert!(long.is_empty(), "lines over 100 columns: {long:#?}");
    let verdicts = text.find("VERDICTS").unwrap();
    assert!(verdicts < text.find("INPUTS").unwrap());
    assert!(text.contains("paths are relative to fixtures/demo"));
    assert!(text.contains("│ WS-ALARM01-System.evtx"));
    let claims: Vec<&str> = text[verdicts..]
        .lines()
        .skip_while(|l| !l.contains("[critical]"))
        .skip(1)
        .take_while(|l| l.starts_with("    "))
        .filter(|l| !l.starts_with("      "))
        .collect();
    assert!(claims.len() >= 3, "one claim per line: {claims:#?}");
    assert!(claims[0].trim_start().starts_with("On WS-ALARM01"));
    // No time is split across lines or cells.
    for l in text.lines() {
        assert!(!l.trim_end().ends_with("2026-03-14"), "split time: {l}");
    }
    // The timeline runs to the end of the incident: its last row is the second client hearing
    // from the provider again at 10:03:34.001, after the limit's release at 10:03:34.000.
    let timeline = &text[text.find("TIMELINE").unwrap()..];
    // Times are held together by no-break spaces; compare with plain ones.
    let rows: Vec<String> = timeline
        .lines()
        .filter(|l| l.starts_with("│ 2026-"))
        .map(|l| l.replace('\u{a0}', " "))
        .collect();
    let last = rows.last().unwrap();
    assert!(
        last.starts_with("│ 2026-03-14 10:03:34.001 UTC ┆ 10.1.1.22 "),
        "{last}"
    );
    assert!(last.contains("alarm gap ends"), "{last}");
    assert!(
        rows.iter().any(
            |r| r.starts_with("│ 2026-03-14 10:03:34.000 UTC ┆ WS-ALARM01")
                && r.contains("half-open limit")
        ),
        "the limit's release: {rows:#?}"
    );
    let narrow = halfopen()
        .env("COLUMNS", "80")
        .args(["analyze", "--netstat-time", NETSTAT_TIME, DEMO])
        .output()
        .unwrap();
    let narrow = String::from_utf8(narrow.stdout).unwrap();
    assert!(narrow.lines().all(|l| l.chars().count() <= 80), "{narrow}");
}

/// `-q` (issue 21 §8): the text report is the verdicts only; other formats are unchanged.
#[test]
fn quiet_shows_the_verdicts_only() {
    let run = |extra: &[&str]| {
        let out = halfopen()
            .env("COLUMNS", "100")
            .args(["analyze", "--netstat-time", NETSTAT_TIME])
            .args(extra)
            .arg(DEMO)
            .output()
            .unwrap();
        assert!(out.status.success());
        String::from_utf8(out.stdout).unwrap()
    };
    let full = run(&[]);
    for flag in ["-q", "--quiet"] {
        let quiet = run(&[flag]);
        assert!(
            quiet.starts_with("VERDICTS\n  [critical] WS-ALARM01\n"),
            "{quiet}"
        );
        assert!(quiet.contains("[ok] IOMLKF35454W: no sign of the limit"));
        for section in [
            "INPUTS",
            "FINDINGS",
            "HOSTS",
            "TIMELINE",
            "halfopen report:",
        ] {
            assert!(!quiet.contains(section), "{section} in {quiet}");
        }
        // The verdicts are the full report's, word for word.
        let start = full.find("VERDICTS").unwrap();
        assert_eq!(&full[start..start + quiet.len()], quiet);
    }
    assert_eq!(run(&["-q", "-f", "json"]), run(&["-f", "json"]));
}

#[test]
fn the_same_capture_twice_is_counted_once_with_a_note() {
    let dir = tempfile::tempdir().unwrap();
    let pcap = std::fs::read(format!("{DEMO}/WS-ALARM01-capture.pcap")).unwrap();
    std::fs::write(dir.path().join("a-capture.pcap"), &pcap).unwrap();
    std::fs::write(dir.path().join("b-copy-from-the-customer.pcap"), &pcap).unwrap();
    let out = halfopen()
        .args(["analyze", "--format", "json"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let host = find(&v["hosts"], "name", "10.1.1.10");
    assert_eq!(host["syn_retransmissions"], 80, "{host}");
    let retx = v["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "syn_retransmission")
        .count();
    assert_eq!(retx, 80);
    // Each file still states what it holds; the copy names the file it repeats.
    assert_eq!(v["captures"][0]["syn_retransmissions"], 80);
    assert_eq!(v["captures"][1]["syn_retransmissions"], 80);
    let o = &v["captures"][1]["overlaps"][0];
    assert!(
        o["path"].as_str().unwrap().ends_with("a-capture.pcap"),
        "{o}"
    );
    assert_eq!(o["attempts"], 43); // 123 SYNs = 43 first SYNs + 80 retransmissions
    assert_eq!(o["syn_retransmissions"], 80);
    let w = v["warnings"][0].as_str().unwrap();
    assert!(w.contains("b-copy-from-the-customer.pcap overlaps"), "{w}");
    assert!(w.contains("counted once"), "{w}");
    assert_eq!(v["captures"][0]["overlaps"].as_array().unwrap().len(), 0);
}

/// Issue 20 §3: a guess is a warning at the top, in the JSON too, with the path as the tables
/// show it (relative to the inputs' common folder). Issue 19 §3: snapshots whose SYN_SENT rows
/// the capture saw are placed by it, and the fresh demo is one episode.
#[test]
fn netstat_without_a_time_is_placed_by_the_capture_or_warned_about() {
    let out = halfopen()
        .env("COLUMNS", "400")
        .args(["analyze", DEMO])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains(
            "warning: technote-838-netstat.txt: 2 netstat snapshots without a time stamp placed \
             at the file's modification time"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "warning: WS-ALARM01-netstat-ano.txt: the file has no time stamp; 2 snapshots are \
             placed by the capture, the first at 2026-03-14 10:02:41.545 UTC, when its 10 \
             SYN_SENT rows were all outstanding"
        ),
        "{text}"
    );
    assert!(!text.contains("separate episodes"), "{text}");
    let out = halfopen()
        .args(["analyze", "--format", "json", DEMO])
        .output()
        .unwrap();
    let j: Value = serde_json::from_slice(&out.stdout).unwrap();
    let ws = find(&j["netstat"], "path", "WS-ALARM01-netstat-ano.txt");
    assert_eq!(ws["time_source"], "evidence");
    // Ports 1110–1119 were all SYN_SENT from 10:02:31.09 (the last first SYN) to 10:02:52.00
    // (the first give-up, 21 s after the first SYN): the middle.
    assert_eq!(ws["time"], "2026-03-14T10:02:41.545000000Z");
    let limits: Vec<&Value> = j["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["kind"] == "half_open_limit")
        .collect();
    assert_eq!(limits.len(), 1);
    assert_eq!(limits[0]["episodes"].as_array().unwrap().len(), 1);
    let v = demo_json();
    // With --netstat-time nothing is guessed.
    assert_eq!(v["warnings"], serde_json::json!([]));
}

/// Issue 19 §5: the connect rate beside the half-open count — the demo's scanner opens 10
/// connections in the second 10:02:10 (ports 1100–1109).
#[test]
fn demo_host_has_its_peak_connect_rate() {
    let v = demo_json();
    let ws = find(&v["hosts"], "name", "WS-ALARM01");
    assert_eq!(ws["peak_connects_per_s"], 10);
    assert_eq!(
        ws["peak_connects_per_s_at"],
        "2026-03-14T10:02:10.000000000Z"
    );
    let tech = find(&v["hosts"], "name", "IOMLKF35454W");
    assert_eq!(tech["peak_connects_per_s"], Value::Null);
}
