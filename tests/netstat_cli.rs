//! `halfopen analyze` on netstat files the way customers save them (binary tests, inputs
//! generated here): Linux `netstat -tanp` with an ISO stamp, `ss -tanp`, Windows `-abno` with a
//! German `%date% %time%` stamp, and two `netstat -s` outputs.

mod support;

use serde_json::{Value, json};
use std::path::Path;

fn analyze(dir: &Path, extra: &[&str]) -> Value {
    let mut cmd = support::watched_bin();
    cmd.args(["analyze", "--format", "json"])
        .args(extra)
        .arg(dir);
    let out = cmd.output().expect("run halfopen");
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("json")
}

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).expect("write fixture");
}

/// Linux `netstat -tanp` (net-tools layout) after an ISO stamp: 11 SYN_SENT rows of `4711/curl`,
/// an sshd listener, a connection to the alarm provider.
fn linux_tanp() -> String {
    let mut t = String::from(
        "2026-03-14T10:02:40Z\nActive Internet connections (servers and established)\nProto Recv-Q Send-Q Local Address           Foreign Address         State       PID/Program name\ntcp        0      0 0.0.0.0:22              0.0.0.0:*               LISTEN      1395/sshd\ntcp        0      0 10.1.1.21:40000         10.1.1.10:5413          ESTABLISHED 2000/viewer\n",
    );
    for i in 0..11 {
        t.push_str(&format!(
            "tcp        0      1 10.1.1.21:{}         10.9.{i}.1:445          SYN_SENT    4711/curl\n",
            41000 + i
        ));
    }
    t.push_str("udp        0      0 0.0.0.0:68              0.0.0.0:*                           535/dhclient\n");
    t
}

#[test]
fn linux_netstat_tanp_rows_limit_listeners_and_alarm_connection() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "netstat-tanp.txt", &linux_tanp());
    let v = analyze(dir.path(), &["--alarm-provider", "10.1.1.10:5413"]);
    let inputs = v["inputs"].as_array().expect("inputs");
    assert_eq!(inputs.len(), 1);
    assert_eq!(inputs[0]["format"], "netstat");
    assert_eq!(inputs[0]["records"], 14);
    assert_eq!(inputs[0]["skipped"], 0);
    let n = &v["netstat"][0];
    assert_eq!(n["rows"], 14);
    assert_eq!(n["udp_rows"], 1);
    assert_eq!(n["time"], "2026-03-14T10:02:40.000000000Z");
    assert_eq!(n["time_source"], "file");
    assert_eq!(
        n["by_state"],
        json!({"ESTABLISHED": 1, "LISTENING": 1, "SYN_SENT": 11})
    );
    assert_eq!(n["syn_sent_by_pid"], json!({"4711": 11}));
    assert_eq!(n["syn_sent_by_program"], json!({"curl": 11}));
    assert_eq!(n["half_open_limit"], 10);
    assert_eq!(
        (n["limit_reached"].clone(), n["limit_exceeded"].clone()),
        (json!(true), json!(true))
    );
    assert_eq!(
        n["listening"],
        json!([
            {"proto": "TCP", "address": "0.0.0.0", "port": "22", "pid": 1395, "program": "sshd"},
            {"proto": "UDP", "address": "0.0.0.0", "port": "68", "pid": 535, "program": "dhclient"}
        ])
    );
    assert_eq!(
        n["alarm_connections"],
        json!([{
            "line": 5, "proto": "TCP", "local": "10.1.1.21:40000", "foreign": "10.1.1.10:5413",
            "state": "ESTABLISHED", "pid": 2000, "program": "viewer",
            "role": "provider", "side": "foreign", "between": false
        }])
    );
    assert_eq!(n["statistics"], Value::Null);
}

#[test]
fn ss_tanp_and_german_stamp_in_event_tz() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "ss.txt",
        "State    Recv-Q Send-Q Local Address:Port  Peer Address:PortProcess\nLISTEN   0      128        0.0.0.0:22         0.0.0.0:*    users:((\"sshd\",pid=1395,fd=3))\nSYN-SENT 0      1      10.1.1.21:41000     10.9.0.1:445  users:((\"curl\",pid=4711,fd=5))\nESTAB    0      0      10.1.1.21:40000    10.1.1.10:5413 users:((\"viewer\",pid=2000,fd=7))\n",
    );
    // German `echo %date% %time%`, local time in Europe/Berlin (UTC+1 in March).
    let mut win = String::from(
        "14.03.2026 10:02:40,12\r\n\r\nAktive Verbindungen\r\n\r\n  Proto  Lokale Adresse         Remoteadresse          Status           PID\r\n",
    );
    for i in 0..10 {
        win.push_str(&format!(
            "  TCP    10.1.1.21:{}        10.9.{i}.1:445         SYN_GESENDET    4711\r\n [worm.exe]\r\n",
            2000 + i
        ));
    }
    write(dir.path(), "win-abno.txt", &win);
    let v = analyze(dir.path(), &["--event-tz", "Europe/Berlin"]);
    let n = v["netstat"].as_array().expect("netstat");
    let by_path = |end: &str| {
        n.iter()
            .find(|s| s["path"].as_str().is_some_and(|p| p.ends_with(end)))
            .unwrap_or_else(|| panic!("no {end}"))
    };
    let ss = by_path("ss.txt");
    assert_eq!(ss["rows"], 3);
    assert_eq!(
        ss["by_state"],
        json!({"ESTABLISHED": 1, "LISTENING": 1, "SYN_SENT": 1})
    );
    assert_eq!(ss["syn_sent_by_program"], json!({"curl": 1}));
    assert_eq!(ss["time_source"], "mtime");
    let w = by_path("win-abno.txt");
    // `14.03.2026 10:02:40,12` in Europe/Berlin (CET): 09:02:40.12 UTC, hundredths kept.
    assert_eq!(w["time"], "2026-03-14T09:02:40.120000000Z");
    assert_eq!(w["time_source"], "file");
    assert_eq!(w["syn_sent"], 10);
    assert_eq!(w["syn_sent_by_program"], json!({"worm.exe": 10}));
    assert_eq!(
        (w["limit_reached"].clone(), w["limit_exceeded"].clone()),
        (json!(true), json!(false))
    );
}

#[test]
fn two_statistics_outputs_give_counters_and_delta() {
    let dir = tempfile::tempdir().expect("tempdir");
    let block = |opens: u64, failed: u64| {
        format!(
            "TCP Statistics for IPv4\r\n\r\n  Active Opens                        = {opens}\r\n  Passive Opens                       = 7674\r\n  Failed Connection Attempts          = {failed}\r\n  Reset Connections                   = 12164\r\n  Current Connections                 = 24\r\n  Segments Retransmitted              = 24199\r\n\r\n"
        )
    };
    write(
        dir.path(),
        "netstat-s.txt",
        &format!(
            "C:\\>netstat -s -p tcp 5\r\n\r\n{}{}",
            block(64644, 5800),
            block(64700, 5851)
        ),
    );
    let v = analyze(dir.path(), &["--netstat-time", "2026-03-14T10:02:40Z"]);
    let n = v["netstat"].as_array().expect("netstat");
    assert_eq!(n.len(), 2);
    assert_eq!(n[0]["rows"], 0);
    assert_eq!(n[0]["command"], "netstat -s -p tcp 5");
    assert_eq!(
        n[0]["statistics"]["tcp_ipv4"]["failed_connection_attempts"],
        5800
    );
    assert_eq!(n[0]["statistics_delta"], Value::Null);
    assert_eq!(
        n[1]["statistics_delta"],
        json!({"from_snapshot": 1, "sections": {"tcp_ipv4": {
            "active_opens": 56, "passive_opens": 0, "failed_connection_attempts": 51,
            "reset_connections": 0, "current_connections": 0, "segments_retransmitted": 0
        }}})
    );
    assert_eq!(v["inputs"][0]["skipped"], 0);
}

/// The text report lists the client–provider connections of a snapshot (not the provider's
/// other rows) and marks SYN_SENT at the limit.
#[test]
fn text_report_lists_alarm_connections_and_the_limit_mark() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut text = String::from(
        "\r\nActive Connections\r\n\r\n  Proto  Local Address          Foreign Address        State           PID\r\n",
    );
    text.push_str(
        "  TCP    10.1.1.10:5413         10.1.1.21:1050         ESTABLISHED     1234\r\n",
    );
    text.push_str("  TCP    10.1.1.10:139          10.1.9.9:2000          ESTABLISHED     4\r\n");
    for i in 0..10 {
        text.push_str(&format!(
            "  TCP    10.1.1.10:{}          10.1.2.{}:445           SYN_SENT        2412\r\n",
            1100 + i,
            i + 1
        ));
    }
    write(dir.path(), "netstat.txt", &text);
    let out = support::watched_bin()
        // Wide enough that no cell or line is wrapped.
        .env("COLUMNS", "400")
        .args([
            "analyze",
            "--color",
            "never",
            "--netstat-time",
            "2026-03-14T10:02:40Z",
        ])
        .args([
            "--alarm-provider",
            "10.1.1.10",
            "--alarm-client",
            "10.1.1.21",
        ])
        .arg(dir.path())
        .output()
        .expect("run halfopen");
    assert!(out.status.success());
    let report = String::from_utf8(out.stdout).expect("utf-8");
    assert!(report.contains("10 (at the limit)"), "{report}");
    assert!(
        report.contains(
            "line 5: TCP 10.1.1.10:5413 -> 10.1.1.21:1050 ESTABLISHED (alarm provider on the local side), PID 1234"
        ),
        "{report}"
    );
    assert!(
        !report.contains("10.1.9.9:2000 ESTABLISHED (alarm"),
        "{report}"
    );
}
