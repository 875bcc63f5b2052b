//! Real netstat files (`$HALFOPEN_REALDATA/netstat/`, see its `SOURCES.md`): pinned row counts
//! by proto/state, and field-by-field comparison with jc's expected output where jc is right.

mod support;

use halfopen::ingest::netstat::{NetstatFile, Proto, looks_like_netstat, parse_netstat};
use std::collections::BTreeMap;
use std::path::PathBuf;

fn realdata(what: &str) -> Option<PathBuf> {
    support::realdata_in("netstat", what)
}

fn read(dir: &std::path::Path, rel: &str) -> NetstatFile {
    let bytes = std::fs::read(dir.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
    assert!(
        looks_like_netstat(&bytes[..bytes.len().min(8192)]),
        "{rel} not recognised"
    );
    parse_netstat(&bytes)
}

/// `proto/state=n` counts over all snapshots, `UDP` without a state as `UDP`.
fn counts(f: &NetstatFile) -> BTreeMap<String, usize> {
    let mut m = BTreeMap::new();
    for r in f.snapshots.iter().flat_map(|s| &s.rows) {
        let p = match r.proto {
            Proto::Tcp => "TCP",
            Proto::Udp => "UDP",
            Proto::Tcpv6 => "TCPv6",
            Proto::Udpv6 => "UDPv6",
        };
        let k = match &r.state {
            Some(s) => format!("{p}/{s}"),
            None => p.to_string(),
        };
        *m.entry(k).or_insert(0) += 1;
    }
    m
}

fn c(pairs: &[(&str, usize)]) -> BTreeMap<String, usize> {
    pairs.iter().map(|(k, n)| (k.to_string(), *n)).collect()
}

/// Pinned counts = SOURCES.md (jc counts for clean English files, whitespace-split counts where
/// jc returns nothing).
fn check_counts(rel: &str, encoding: &str, snapshots: usize, want: &[(&str, usize)]) {
    let Some(dir) = realdata(rel) else { return };
    let f = read(&dir, rel);
    assert_eq!(f.problems, vec![], "{rel}");
    assert_eq!(f.encoding, encoding, "{rel}");
    assert_eq!(f.snapshots.len(), snapshots, "{rel}");
    assert_eq!(counts(&f), c(want), "{rel}");
}

#[test]
fn technote_838_two_snapshots_with_wrapped_rows() {
    let Some(dir) = realdata("tech note 838") else {
        return;
    };
    let f = read(&dir, "technote/tn838-netstat-and-netstat-a.txt");
    assert_eq!(f.problems, vec![]);
    assert_eq!(f.snapshots.len(), 2);
    let per_snapshot: Vec<_> = f
        .snapshots
        .iter()
        .map(|s| {
            let mut one = f.clone();
            one.snapshots = vec![s.clone()];
            (
                s.index,
                s.line,
                s.command.clone(),
                s.rows.len(),
                counts(&one),
            )
        })
        .collect();
    assert_eq!(
        per_snapshot,
        vec![
            (
                1,
                4,
                Some("netstat".to_string()),
                17,
                c(&[
                    ("TCP/ESTABLISHED", 15),
                    ("TCP/TIME_WAIT", 1),
                    ("TCP/CLOSE_WAIT", 1)
                ])
            ),
            (
                2,
                31,
                Some("netstat -a".to_string()),
                19,
                c(&[
                    ("TCP/LISTENING", 7),
                    ("TCP/ESTABLISHED", 11),
                    ("TCP/TIME_WAIT", 1)
                ])
            ),
        ]
    );
    // The rows whose state the console wrapped (`ESTABLIS` / `HED`): row 1 of snapshot 1
    // (line 7) and row 8 of snapshot 2 (line 41, after the 7 LISTENING rows).
    for (s, (i, line)) in f.snapshots.iter().zip([(0usize, 7u64), (7, 41)]) {
        let r = &s.rows[i];
        assert_eq!(r.line, line);
        assert_eq!(
            (r.local.host.as_str(), r.local.port.as_str()),
            ("IOMLKF35454W", "1118")
        );
        assert_eq!(
            (r.foreign.host.as_str(), r.foreign.port.as_str()),
            ("tsctinode1.wonderware.com", "microsoft-ds")
        );
        assert_eq!(r.state.as_deref(), Some("ESTABLISHED"));
        assert_eq!(r.pid, None);
    }
}

#[test]
fn es_win_ano_utf16le_spanish() {
    // jc returns [] (Spanish heading); counts are the whitespace split in SOURCES.md.
    check_counts(
        "windows/es-win-ano.utf16le.txt",
        "UTF-16LE",
        1,
        &[
            ("TCP/ESTABLISHED", 116),
            ("UDP", 94),
            ("TCP/TIME_WAIT", 89),
            ("TCP/LISTENING", 49),
            ("TCP/CLOSE_WAIT", 17),
        ],
    );
}

#[test]
fn en_win_ano_utf16le() {
    // jc 1.26.1 after iconv to UTF-8 gives the same 181 rows (jc cannot read UTF-16 itself).
    check_counts(
        "windows/en-win-ano.utf16le.txt",
        "UTF-16LE",
        1,
        &[
            ("TCP/ESTABLISHED", 64),
            ("UDP", 48),
            ("TCP/LISTENING", 38),
            ("TCP/TIME_WAIT", 26),
            ("TCP/CLOSE_WAIT", 4),
            ("TCP/FIN_WAIT_2", 1),
        ],
    );
}

#[test]
fn en_win_ano_findstr_without_header() {
    // jc returns [] (no `Active Connections` line); we read one header-less snapshot.
    check_counts(
        "windows/en-win-ano-findstr-noheader.utf16le.txt",
        "UTF-16LE",
        1,
        &[("TCP/LISTENING", 39)],
    );
}

#[test]
fn ru_win_ano_utf8_russian() {
    // jc returns [] (Russian heading).
    check_counts(
        "windows/ru-win-ano.utf8.txt",
        "UTF-8",
        1,
        &[
            ("TCP/ESTABLISHED", 61),
            ("TCP/LISTENING", 52),
            ("UDP", 36),
            ("TCP/TIME_WAIT", 10),
            ("TCP/CLOSE_WAIT", 9),
            ("TCP/FIN_WAIT_2", 2),
        ],
    );
}

#[test]
fn en_win_b_names_and_programs() {
    // jc 1.26.1: 66 rows, same counts.
    check_counts(
        "windows/en-win-b.txt",
        "UTF-8",
        1,
        &[
            ("TCP/ESTABLISHED", 41),
            ("TCP/TIME_WAIT", 15),
            ("TCP/CLOSE_WAIT", 6),
            ("TCP/FIN_WAIT_2", 4),
        ],
    );
}

#[test]
fn en_win_naob() {
    // jc 1.26.1: 178 rows, same counts.
    check_counts(
        "windows/en-win-naob.txt",
        "UTF-8",
        1,
        &[
            ("TCP/TIME_WAIT", 50),
            ("UDP", 45),
            ("TCP/LISTENING", 44),
            ("TCP/ESTABLISHED", 36),
            ("TCP/CLOSE_WAIT", 2),
            ("TCP/FIN_WAIT_2", 1),
        ],
    );
}

#[test]
fn en_win_ano_ipv6_long_addresses_and_connected_udp() {
    // jc 1.26.1: 327 rows, same counts.
    check_counts(
        "windows/en-win-ano-ipv6.txt",
        "UTF-8",
        1,
        &[
            ("UDP", 121),
            ("TCP/ESTABLISHED", 84),
            ("TCP/LISTENING", 62),
            ("TCP/TIME_WAIT", 57),
            ("TCP/CLOSE_WAIT", 2),
            ("TCP/FIN_WAIT_2", 1),
        ],
    );
    let Some(dir) = realdata("connected UDP") else {
        return;
    };
    let f = read(&dir, "windows/en-win-ano-ipv6.txt");
    let connected = f.snapshots[0]
        .rows
        .iter()
        .filter(|r| r.proto == Proto::Udp && r.foreign.host != "*")
        .count();
    assert_eq!(connected, 23);
}

#[test]
fn excerpt_de_win7_translated_states() {
    // jc returns [] (German heading). German states map to English: HERGESTELLT=56,
    // ABH™REN=20, SCHLIESSEN_WARTEN=7, WARTEND=5, FIN_WARTEN_2=4.
    check_counts(
        "excerpts/de-win7-an.excerpt.txt",
        "UTF-8",
        1,
        &[
            ("TCP/ESTABLISHED", 56),
            ("TCP/LISTENING", 20),
            ("TCP/CLOSE_WAIT", 7),
            ("UDP", 6),
            ("TCP/TIME_WAIT", 5),
            ("TCP/FIN_WAIT_2", 4),
        ],
    );
}

#[test]
fn excerpt_fr_two_commands_with_powershell_prompts() {
    // jc returns [] (French heading). Two snapshots, commands from the `PS C:\…>` prompts.
    check_counts(
        "excerpts/fr-win10-abo-and-p-udp-anb.excerpt.txt",
        "UTF-8",
        2,
        &[
            ("TCP/LISTENING", 5),
            ("UDP", 5),
            ("TCP/ESTABLISHED", 4),
            ("TCP/TIME_WAIT", 2),
            ("TCP/CLOSE_WAIT", 1),
        ],
    );
    let Some(dir) = realdata("fr commands") else {
        return;
    };
    let f = read(&dir, "excerpts/fr-win10-abo-and-p-udp-anb.excerpt.txt");
    let cmds: Vec<_> = f.snapshots.iter().map(|s| s.command.as_deref()).collect();
    assert_eq!(
        cmds,
        vec![Some("netstat -a -b -o"), Some("netstat -p udp -anb")]
    );
    let first = &f.snapshots[0].rows[0];
    assert_eq!(
        (first.pid, first.program.as_deref()),
        (Some(1244), Some("svchost.exe"))
    );
}

#[test]
fn excerpt_ja_shifted_columns() {
    check_counts(
        "excerpts/ja-win-ano.excerpt.txt",
        "UTF-8",
        1,
        &[("TCP/ESTABLISHED", 10), ("TCP/LISTENING", 6)],
    );
}

#[test]
fn excerpt_zh_cn_prompt_first() {
    check_counts(
        "excerpts/zh-cn-win-ano.excerpt.txt",
        "UTF-8",
        1,
        &[("TCP/LISTENING", 7)],
    );
}

/// jc's expected `.json` next to each Windows fixture, compared row by row. jc is right on these
/// clean English files except where noted: it keeps IPv6 brackets (we strip them), gives `""`
/// as the UDP state (we give `None`), keeps the `[ ]` around the program and takes
/// "Can not obtain ownership information" as a program name (we give `None`: it is not one).
fn compare_with_jc(stem: &str, rows: usize) {
    let Some(dir) = realdata(stem) else { return };
    let rel = format!("jc/windows/windows-10/{stem}.out");
    let f = read(&dir, &rel);
    assert_eq!(f.problems, vec![], "{rel}");
    assert_eq!(f.snapshots.len(), 1, "{rel}");
    let json = std::fs::read_to_string(dir.join(format!("jc/windows/windows-10/{stem}.json")))
        .unwrap_or_else(|e| panic!("{stem}.json: {e}"));
    let want: Vec<serde_json::Value> = serde_json::from_str(&json).expect("jc json");
    let got = &f.snapshots[0].rows;
    assert_eq!((got.len(), want.len()), (rows, rows), "{rel}");
    let unbracket = |s: &str| s.trim_start_matches('[').trim_end_matches(']').to_string();
    for (g, w) in got.iter().zip(&want) {
        let s = |k: &str| w.get(k).and_then(|v| v.as_str()).unwrap_or_default();
        let proto = match g.proto {
            Proto::Tcp => "TCP",
            Proto::Udp => "UDP",
            Proto::Tcpv6 => "TCPv6",
            Proto::Udpv6 => "UDPv6",
        };
        assert_eq!(proto, s("proto"), "{rel} line {}", g.line);
        assert_eq!(
            g.local.host,
            unbracket(s("local_address")),
            "{rel} line {}",
            g.line
        );
        assert_eq!(g.local.port, s("local_port"), "{rel} line {}", g.line);
        assert_eq!(
            g.foreign.host,
            unbracket(s("foreign_address")),
            "{rel} line {}",
            g.line
        );
        assert_eq!(g.foreign.port, s("foreign_port"), "{rel} line {}", g.line);
        assert_eq!(
            g.state.as_deref().unwrap_or(""),
            s("state"),
            "{rel} line {}",
            g.line
        );
        let pid = w.get("pid").and_then(|v| v.as_u64()).map(|p| p as u32);
        assert_eq!(g.pid, pid, "{rel} line {}", g.line);
        let program = match s("program_name") {
            "" | "Can not obtain ownership information" => None,
            p => Some(unbracket(p)),
        };
        assert_eq!(g.program, program, "{rel} line {}", g.line);
    }
}

#[test]
fn jc_windows_10_netstat_matches_jc() {
    compare_with_jc("netstat", 32);
}

#[test]
fn jc_windows_10_netstat_an_matches_jc() {
    compare_with_jc("netstat-an", 260);
}

#[test]
fn jc_windows_10_netstat_aon_matches_jc() {
    compare_with_jc("netstat-aon", 208);
}

#[test]
fn jc_windows_10_netstat_aonb_matches_jc() {
    compare_with_jc("netstat-aonb", 318);
    check_counts(
        "jc/windows/windows-10/netstat-aonb.out",
        "UTF-8",
        1,
        &[
            ("UDP", 204),
            ("TCP/ESTABLISHED", 54),
            ("TCP/LISTENING", 51),
            ("TCP/CLOSE_WAIT", 6),
            ("TCP/TIME_WAIT", 3),
        ],
    );
}

// Linux, macOS, FreeBSD and ss files: tests/netstat_unix_realdata.rs.

#[test]
fn jc_windows_route_print_is_passed_over_quietly() {
    // `route print` (= `netstat -r`): recognised as netstat text, no rows, no problems.
    let Some(dir) = realdata("route print") else {
        return;
    };
    let f = read(&dir, "jc/windows/windows-10/route.out");
    assert_eq!((f.snapshots.len(), f.problems.len()), (0, 0));
}
