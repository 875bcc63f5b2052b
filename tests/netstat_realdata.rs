//! Real netstat files (`$HALFOPEN_REALDATA/netstat/`, see its `SOURCES.md`): pinned row counts
//! by proto/state, and field-by-field comparison with jc's expected output where jc is right.

use halfopen::ingest::netstat::{NetstatFile, Proto, looks_like_netstat, parse_netstat};
use std::collections::BTreeMap;
use std::path::PathBuf;

fn realdata(what: &str) -> Option<PathBuf> {
    match std::env::var_os("HALFOPEN_REALDATA") {
        Some(d) => Some(PathBuf::from(d).join("netstat")),
        None => {
            eprintln!("HALFOPEN_REALDATA is unset: skipping {what}");
            None
        }
    }
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

#[test]
fn dump() {
    let Some(dir) = realdata("dump") else { return };
    for rel in [
        "technote/tn838-netstat-and-netstat-a.txt",
        "windows/es-win-ano.utf16le.txt",
        "windows/en-win-ano.utf16le.txt",
        "windows/en-win-ano-findstr-noheader.utf16le.txt",
        "windows/ru-win-ano.utf8.txt",
        "windows/en-win-b.txt",
        "windows/en-win-naob.txt",
        "windows/en-win-ano-ipv6.txt",
        "jc/windows/windows-10/netstat.out",
        "jc/windows/windows-10/netstat-an.out",
        "jc/windows/windows-10/netstat-aon.out",
        "jc/windows/windows-10/netstat-aonb.out",
        "excerpts/de-win7-an.excerpt.txt",
        "excerpts/fr-win10-abo-and-p-udp-anb.excerpt.txt",
        "excerpts/ja-win-ano.excerpt.txt",
        "excerpts/zh-cn-win-ano.excerpt.txt",
    ] {
        let f = read(&dir, rel);
        eprintln!(
            "{rel} {} snaps={} {:?} problems={:?}",
            f.encoding,
            f.snapshots.len(),
            counts(&f),
            f.problems
        );
        for s in &f.snapshots {
            eprintln!(
                "   snap {} line {} cmd {:?} rows {}",
                s.index,
                s.line,
                s.command,
                s.rows.len()
            );
        }
    }
}
