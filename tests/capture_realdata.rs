//! Real captures (`$HALFOPEN_REALDATA/pcap`) against tshark 4.0.17's counts in
//! `realdata/pcap/SOURCES.md` (syn, syn_retx, synack, rst, packets).

use halfopen::analysis::handshake::{HandshakeReport, HandshakeSettings, HandshakeTracker, Outcome};
use halfopen::ingest::capture::{CaptureRead, read_capture};
use halfopen::model::{Format, Locator};
use std::path::{Path, PathBuf};

fn realdata(what: &str) -> Option<PathBuf> {
    match std::env::var_os("HALFOPEN_REALDATA") {
        Some(d) => Some(PathBuf::from(d).join("pcap")),
        None => {
            eprintln!("HALFOPEN_REALDATA is unset: skipping {what}");
            None
        }
    }
}

fn analyse(path: &Path) -> (CaptureRead, HandshakeReport) {
    let mut tr = HandshakeTracker::new(HandshakeSettings::default());
    let read = read_capture(path, &mut |p| tr.push(p)).unwrap_or_else(|e| panic!("{e}"));
    let rep = tr.finish(read.last_time);
    (read, rep)
}

#[test]
fn dump() {
    let Some(dir) = realdata("dump") else { return };
    for f in [
        "http_espn_fail.pcapng","nowebaccess2.pcapng","nowebaccess3.pcapng","tcp_refuseconnection.pcapng","synscan.pcapng","http_ip4and6.pcapng","echo-connections.pcap.gz","pop3.pcap","socks.pcap","option-sack.pcap","http-vlan-0.pcap","http-qinq-0.pcap","vlan-collisions.pcap","pcapng-multi-interface.pcapng","linux_dlt_sll2.pcap","many_interfaces.pcapng","tcp-handshake-nano.pcap","pptp.pcap","test016-be.pcapng","malformed/pcapng-tsresol-bin-overflow.pcapng","malformed/pcap-truncated-hdr-23.pcap","malformed/pcapng-block-len-not-mult4.pcapng","malformed/pcapng-packet-before-idb.pcapng","derived/multisection_le_be_le.pcapng","derived/http_espn_fail.netmon2.cap",
    ] {
        let mut tr = HandshakeTracker::new(HandshakeSettings::default());
        match read_capture(&dir.join(f), &mut |p| tr.push(p)) {
            Ok(r) => {
                let rep = tr.finish(r.last_time);
                let fail = rep.attempts.iter().filter(|a| a.outcome != Outcome::Established).count();
                println!("{f} {:?} pk={} tcp={} syn={} retx={} synack={} rst={} att={} fail={} first={:?} last={:?} problems={:?}", r.format, r.packets, r.tcp_packets, rep.tcp_syn, rep.syn_retransmissions, rep.syn_ack, rep.rst, rep.attempts.len(), fail, r.first_time.map(|t| t.to_string()), r.last_time.map(|t| t.to_string()), r.problems);
            }
            Err(e) => println!("{f} ERR {e}"),
        }
    }
    let _ = (Format::Pcap, Locator::File, analyse as fn(&Path) -> _);
}
