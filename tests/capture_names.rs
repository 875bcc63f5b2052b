//! Host names a capture reveals (`CaptureRead::names`): real captures against TShark 4.0.17, and
//! generated name-service packets (written by `halfopen_testgen::pcap::write_pcap_udp`).
//!
//! Real-data oracle: `tshark -n -r F -Y "dns.flags.response==1 && (dns.a || dns.aaaa)" -T fields
//! -e frame.number -e dns.qry.name -e dns.a -e dns.aaaa` on every file of `realdata/pcap`
//! (DNS answers in 5 files; `-Y nbns` finds nothing anywhere and `-Y dhcp` only the 4 DHCP
//! packets of `test016-be.pcapng`, none with a host name: `dhcp.option.hostname` is empty).
//! The owner names of the A records are tshark's last `dns.resp.name` of each response.
//!
//! Generated-capture oracle: the file of `generated_name_packets_read_back` (set
//! `HALFOPEN_DUMP_DIR` to a folder to get it as `names.pcap`) read with TShark 4.0.17:
//! `-Y nbns -T fields -e frame.number -e nbns.name -e nbns.addr -e nbns.nb_flags.group` gives
//! `1 VIEWNODE1<00> 10.1.1.21 0` and `2 WORKGROUP<00> 10.1.1.22 1`; `-Y 'dns.a || dns.aaaa'
//! -e dns.resp.name -e dns.a -e dns.aaaa` gives frames 3 (`intouch-hist.plant.local` via CNAME
//! `hist01.plant.local`, 10.1.1.10), 7, 8 (the same in upper case) and 9 (mDNS, `hmi-2.local`,
//! fe80::2); frames 5 and 6 are "Malformed Packet" (`-Y _ws.malformed`); `-Y
//! dhcp.option.hostname -e dhcp.option.hostname -e dhcp.ip.your` gives `4 histnode
//! 192.168.0.10`. Frame 7 comes from port 5000: tshark finds DNS in it heuristically, we read
//! name services on their ports only, so it reveals nothing here (a deliberate difference).

mod support;

use halfopen::ingest::capture::{NameSource, RevealedName, read_capture};
use halfopen::model::{Locator, Problem};
use halfopen_testgen::pcap::{
    SynthUdp, dhcp_message, dns_response, nbns_registration, write_pcap_udp,
};
use std::collections::BTreeSet;
use std::net::{IpAddr, Ipv4Addr};
use std::path::PathBuf;

fn realdata(what: &str) -> Option<PathBuf> {
    support::realdata_in("pcap", what)
}

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

fn dns(name: &str, addr: &str, frame: u64) -> RevealedName {
    RevealedName {
        name: name.into(),
        address: ip(addr),
        how: NameSource::Dns,
        frame,
    }
}

/// (file, names kept, tshark rows: frame, question name, addresses).
type Row = (u64, &'static str, &'static [&'static str]);

const ESPN: &[Row] = &[
    (2, "www.espn.com", &["68.71.212.158"]),
    (13, "espn.go.com", &["199.181.133.61"]),
    (43, "cdn.optimizely.com", &["72.21.91.8"]),
    (45, "a1.espncdn.com", &["72.246.56.35", "72.246.56.83"]),
    (75, "assets.espn.go.com", &["69.31.75.194", "69.31.75.203"]),
    (344, "a2.espncdn.com", &["72.246.56.83", "72.246.56.35"]),
    (367, "a4.espncdn.com", &["72.246.56.35", "72.246.56.83"]),
];

const TSHARK_DNS: &[(&str, usize, &[Row])] = &[
    ("http_espn_fail.pcapng", 18, ESPN),
    ("derived/http_espn_fail.netmon2.cap", 18, ESPN),
    (
        "many_interfaces.pcapng",
        22,
        &[(
            23,
            "clients6.google.com",
            &[
                "74.125.228.227",
                "74.125.228.224",
                "74.125.228.225",
                "74.125.228.231",
                "74.125.228.226",
                "74.125.228.232",
                "74.125.228.230",
                "74.125.228.233",
                "74.125.228.228",
                "74.125.228.229",
                "74.125.228.238",
            ],
        )],
    ),
    (
        "nowebaccess3.pcapng",
        12,
        &[(
            2,
            "www.google.com",
            &[
                "74.125.95.105",
                "74.125.95.106",
                "74.125.95.147",
                "74.125.95.99",
                "74.125.95.103",
                "74.125.95.104",
            ],
        )],
    ),
    (
        "pcapng-multi-interface.pcapng",
        12,
        &[
            (2, "www.apple.com", &["23.194.101.24"]),
            (
                4,
                "google.com",
                &[
                    "142.251.181.138",
                    "142.251.181.139",
                    "142.251.181.113",
                    "142.251.181.100",
                    "142.251.181.101",
                    "142.251.181.102",
                ],
            ),
            (
                6,
                "google.com",
                &[
                    "2607:f8b0:4023:2007::66",
                    "2607:f8b0:4023:2007::8b",
                    "2607:f8b0:4023:2007::71",
                    "2607:f8b0:4023:2007::8a",
                ],
            ),
        ],
    ),
];

#[test]
fn realdata_dns_answers_match_tshark() {
    let Some(dir) = realdata("capture names vs tshark") else {
        return;
    };
    for &(file, kept, rows) in TSHARK_DNS {
        let r = read_capture(&dir.join(file), &mut |_| {}).unwrap();
        assert_eq!((r.names.len(), r.names_skipped), (kept, 0), "{file}");
        assert!(r.names.iter().all(|n| n.how == NameSource::Dns), "{file}");
        // Every (question name, address) tshark pairs, at the frame tshark shows it.
        for &(frame, qname, addrs) in rows {
            for a in addrs {
                assert!(
                    r.names.contains(&dns(qname, a, frame)),
                    "{file}: {qname} {a} frame {frame} missing from {:?}",
                    r.names
                );
            }
        }
        // The same addresses as tshark, no more.
        let ours: BTreeSet<IpAddr> = r.names.iter().map(|n| n.address).collect();
        let theirs: BTreeSet<IpAddr> = rows
            .iter()
            .flat_map(|(_, _, a)| a.iter().map(|a| ip(a)))
            .collect();
        assert_eq!(ours, theirs, "{file}");
    }
    // The A records' owners (after the CNAME chains), as tshark's last dns.resp.name.
    let r = read_capture(&dir.join("http_espn_fail.pcapng"), &mut |_| {}).unwrap();
    let owners: Vec<(u64, &str, String)> = r
        .names
        .iter()
        .filter(|n| !ESPN.iter().any(|(_, q, _)| *q == n.name))
        .map(|n| (n.frame, n.name.as_str(), n.address.to_string()))
        .collect();
    let want: Vec<(u64, &str, String)> = [
        (2, "redir.espn.gns.go.com", "68.71.212.158"),
        (13, "espn.gns.go.com", "199.181.133.61"),
        (43, "gp1.wac.v2cdn.net", "72.21.91.8"),
        (45, "a1589.g1.akamai.net", "72.246.56.35"),
        (45, "a1589.g1.akamai.net", "72.246.56.83"),
        (75, "a1589.g.akamai.net", "69.31.75.194"),
        (75, "a1589.g.akamai.net", "69.31.75.203"),
    ]
    .into_iter()
    .map(|(f, n, a)| (f, n, a.to_string()))
    .collect();
    assert_eq!(owners, want);
}

#[test]
fn realdata_dhcp_without_host_name_reveals_nothing() {
    let Some(dir) = realdata("capture names, DHCP without host names") else {
        return;
    };
    // DISCOVER, OFFER, REQUEST (option 50 = 192.168.0.10), ACK: no option 12 or 81.
    let r = read_capture(&dir.join("test016-be.pcapng"), &mut |_| {}).unwrap();
    assert_eq!((r.packets, r.names.len(), r.names_skipped), (4, 0, 0));
}

/// 2026-03-14T10:00:00Z in ns.
const T0: i64 = 1_773_482_400_000_000_000;

fn udp(k: i64, src: &str, dst: &str, sport: u16, dport: u16, payload: Vec<u8>) -> SynthUdp {
    SynthUdp {
        unix_ns: T0 + k * 1_000_000,
        src: ip(src),
        dst: ip(dst),
        sport,
        dport,
        payload,
    }
}

#[test]
fn generated_name_packets_read_back() {
    let node: Ipv4Addr = "10.1.1.21".parse().unwrap();
    let dns_ok = dns_response(
        "intouch-hist.plant.local",
        &["hist01.plant.local"],
        &[ip("10.1.1.10")],
    );
    let mut dns_cut = dns_ok.clone();
    dns_cut.truncate(dns_ok.len() - 2);
    let pkts = vec![
        // 1: NetBIOS registration of the workstation name (broadcast).
        udp(
            0,
            "10.1.1.21",
            "10.1.1.255",
            137,
            137,
            nbns_registration("ViewNode1", 0x00, node, false),
        ),
        // 2: a workgroup (group) registration: not a host name.
        udp(
            1,
            "10.1.1.22",
            "10.1.1.255",
            137,
            137,
            nbns_registration("WORKGROUP", 0x00, "10.1.1.22".parse().unwrap(), true),
        ),
        // 3: DNS answer through a CNAME (compressed owner names).
        udp(2, "10.1.1.1", "10.1.1.21", 53, 50_000, dns_ok.clone()),
        // 4: DHCP ACK with option 12.
        udp(
            3,
            "192.168.0.1",
            "192.168.0.10",
            67,
            68,
            dhcp_message(
                5,
                Ipv4Addr::UNSPECIFIED,
                "192.168.0.10".parse().unwrap(),
                None,
                Some("histnode"),
            ),
        ),
        // 5, 6: the same answer cut 2 bytes short (the A record data runs out).
        udp(4, "10.1.1.1", "10.1.1.21", 53, 50_001, dns_cut.clone()),
        udp(5, "10.1.1.1", "10.1.1.21", 53, 50_002, dns_cut),
        // 7: DNS bytes on another port: not read.
        udp(6, "10.1.1.1", "10.1.1.21", 5000, 50_003, dns_ok.clone()),
        // 8: the answer again, upper case: the same names (case-folded), first frame kept.
        udp(
            7,
            "10.1.1.1",
            "10.1.1.21",
            53,
            50_004,
            dns_response(
                "INTOUCH-HIST.PLANT.LOCAL",
                &["HIST01.PLANT.LOCAL"],
                &[ip("10.1.1.10")],
            ),
        ),
        // 9: mDNS response over IPv6 with an AAAA record.
        udp(
            8,
            "fe80::2",
            "ff02::fb",
            5353,
            5353,
            dns_response("hmi-2.local", &[], &[ip("fe80::2")]),
        ),
    ];
    let bytes = write_pcap_udp(&pkts);
    if let Some(dir) = std::env::var_os("HALFOPEN_DUMP_DIR") {
        std::fs::write(std::path::Path::new(&dir).join("names.pcap"), &bytes).unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("names.pcap");
    std::fs::write(&path, &bytes).unwrap();
    let mut tcp = 0;
    let r = read_capture(&path, &mut |_| tcp += 1).unwrap();
    assert_eq!((r.packets, r.tcp_packets, tcp), (9, 0, 0));
    assert_eq!(
        r.names,
        vec![
            RevealedName {
                name: "VIEWNODE1".into(),
                address: ip("10.1.1.21"),
                how: NameSource::Netbios,
                frame: 1,
            },
            dns("hist01.plant.local", "10.1.1.10", 3),
            dns("intouch-hist.plant.local", "10.1.1.10", 3),
            RevealedName {
                name: "histnode".into(),
                address: ip("192.168.0.10"),
                how: NameSource::Dhcp,
                frame: 4,
            },
            dns("hmi-2.local", "fe80::2", 9),
        ]
    );
    assert_eq!(r.names_skipped, 2);
    // Frame 5's record: file header 24, four records of 16 + frame bytes before it.
    let byte = 24
        + pkts[..4]
            .iter()
            .map(|p| 16 + 14 + 20 + 8 + p.payload.len() as u64)
            .sum::<u64>();
    assert_eq!(
        r.problems,
        vec![Problem::new(
            Locator::Frame { number: 5, byte },
            "DNS datagram not parsed for host names: resource record data runs past the end of \
             the datagram; later unparsed DNS datagrams are only counted"
        )]
    );
    // The JSON shape the report will use.
    assert_eq!(
        serde_json::to_string(&r.names[0]).unwrap(),
        r#"{"name":"VIEWNODE1","address":"10.1.1.21","how":"netbios","frame":1}"#
    );
}
