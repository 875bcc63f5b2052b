//! Property test: generated Windows netstat tables — any variant (`-an`/`-ano`, with a prompt or
//! not, TCP/UDP, IPv4/IPv6 with zone ids), language (the seven headings of research/netstat.md
//! §2, German state names) and encoding (UTF-8, UTF-16LE/BE with BOM, CP437, CP850, CP866,
//! Shift_JIS, GBK as cmd `>` writes them) — parse back to exactly the rows written, with every
//! state under its standard English name.

use halfopen::ingest::netstat::{Proto, parse_netstat};
use proptest::prelude::*;

/// (heading, column header, OEM code page cmd writes in that locale).
const LANGUAGES: &[(&str, &str, &str)] = &[
    (
        "Active Connections",
        "  Proto  Local Address          Foreign Address        State           PID",
        "cp437",
    ),
    (
        "Aktive Verbindungen",
        "  Proto  Lokale Adresse         Remoteadresse          Status           PID",
        "cp850",
    ),
    (
        "Connexions actives",
        "  Proto  Adresse locale         Adresse distante       État             PID",
        "cp850",
    ),
    (
        "Conexiones activas",
        "  Proto  Dirección local        Dirección remota       Estado           PID",
        "cp850",
    ),
    (
        "Активные подключения",
        "  Имя    Локальный адрес        Внешний адрес          Состояние        PID",
        "ibm866",
    ),
    (
        "アクティブな接続",
        "  プロトコル  ローカル アドレス      外部アドレス           状態            PID",
        "shift_jis",
    ),
    (
        "活动连接",
        "  协议   本地地址               外部地址               状态             PID",
        "gbk",
    ),
];

/// (printed word, standard English name); German words only in the German table.
const ENGLISH_STATES: &[&str] = &[
    "LISTENING",
    "SYN_SENT",
    "ESTABLISHED",
    "TIME_WAIT",
    "CLOSE_WAIT",
    "FIN_WAIT_2",
    "LAST_ACK",
];
const GERMAN_STATES: &[(&str, &str)] = &[
    ("ABHÖREN", "LISTENING"),
    ("SYN_GESENDET", "SYN_SENT"),
    ("HERGESTELLT", "ESTABLISHED"),
    ("WARTEND", "TIME_WAIT"),
    ("SCHLIESSEN_WARTEN", "CLOSE_WAIT"),
    ("FIN_WARTEN_2", "FIN_WAIT_2"),
];

#[derive(Debug, Clone)]
struct Row {
    tcp: bool,
    v6: bool,
    local: (String, u16),
    foreign: (String, u16),
    state: usize,
    pid: u32,
}

fn row() -> impl Strategy<Value = Row> {
    (
        any::<bool>(),
        prop::bool::weighted(0.2),
        (1u8..=254, 1u8..=254, 1u16..=65535),
        (1u8..=254, 1u8..=254, 1u16..=65535),
        0usize..64,
        0u32..70_000,
    )
        .prop_map(|(tcp, v6, (a, b, lp), (c, d, fp), state, pid)| {
            let (local, foreign) = if v6 {
                (
                    (format!("fe80::{a:x}:{b:x}%{}", a % 20), lp),
                    (format!("2001:db8::{c:x}:{d:x}"), fp),
                )
            } else {
                (
                    (format!("10.{a}.{b}.1"), lp),
                    (format!("192.168.{c}.{d}"), fp),
                )
            };
            Row {
                tcp,
                v6,
                local,
                foreign,
                state,
                pid,
            }
        })
}

fn sock(host: &str, port: u16, v6: bool) -> String {
    if v6 {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}

fn encode(text: &str, encoding: &str) -> Vec<u8> {
    match encoding {
        "utf-8" => text.as_bytes().to_vec(),
        "utf-16le" => {
            let mut b = vec![0xff, 0xfe];
            b.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
            b
        }
        "utf-16be" => {
            let mut b = vec![0xfe, 0xff];
            b.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
            b
        }
        "cp437" => oem_cp::encode_string_lossy(text, &oem_cp::code_table::ENCODING_TABLE_CP437),
        "cp850" => oem_cp::encode_string_lossy(text, &oem_cp::code_table::ENCODING_TABLE_CP850),
        "ibm866" => encoding_rs::IBM866.encode(text).0.into_owned(),
        "shift_jis" => encoding_rs::SHIFT_JIS.encode(text).0.into_owned(),
        "gbk" => encoding_rs::GBK.encode(text).0.into_owned(),
        other => panic!("no encoder for {other}"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn generated_tables_round_trip(
        lang in 0..LANGUAGES.len(),
        unicode in prop::sample::select(vec!["oem", "utf-8", "utf-16le", "utf-16be"]),
        with_pid in any::<bool>(),
        prompt in any::<bool>(),
        rows in prop::collection::vec(row(), 1..25),
    ) {
        let (heading, columns, oem) = LANGUAGES[lang];
        let german = heading == "Aktive Verbindungen";
        let columns = if with_pid { columns.to_string() } else { columns.trim_end_matches("PID").trim_end().to_string() };
        let mut text = String::new();
        if prompt {
            text.push_str(if with_pid { "C:\\>netstat -ano\r\n" } else { "C:\\>netstat -an\r\n" });
        }
        text.push_str(&format!("\r\n{heading}\r\n\r\n{columns}\r\n"));
        let mut expected = Vec::new();
        for r in &rows {
            let local = sock(&r.local.0, r.local.1, r.v6);
            let (proto, foreign, printed, english) = if r.tcp {
                let (p, e) = if german {
                    let (p, e) = GERMAN_STATES[r.state % GERMAN_STATES.len()];
                    (p.to_string(), Some(e.to_string()))
                } else {
                    let s = ENGLISH_STATES[r.state % ENGLISH_STATES.len()];
                    (s.to_string(), Some(s.to_string()))
                };
                ("TCP", sock(&r.foreign.0, r.foreign.1, r.v6), p, e)
            } else {
                ("UDP", "*:*".to_string(), String::new(), None)
            };
            let pid = if with_pid { format!("{}", r.pid) } else { String::new() };
            text.push_str(format!("  {proto:<5}  {local:<22} {foreign:<22} {printed:<16} {pid}").trim_end());
            text.push_str("\r\n");
            let foreign_ep = if r.tcp {
                (r.foreign.0.clone(), r.foreign.1.to_string())
            } else {
                ("*".to_string(), "*".to_string())
            };
            expected.push((
                if r.tcp { Proto::Tcp } else { Proto::Udp },
                (r.local.0.clone(), r.local.1.to_string()),
                foreign_ep,
                english,
                with_pid.then_some(r.pid),
            ));
        }
        let encoding = if unicode == "oem" { oem } else { unicode };
        let bytes = encode(&text, encoding);
        let f = parse_netstat(&bytes);
        prop_assert_eq!(f.problems.len(), 0, "{:?}", f.problems);
        prop_assert_eq!(f.snapshots.len(), 1);
        let got: Vec<_> = f.snapshots[0]
            .rows
            .iter()
            .map(|r| {
                let proto = match r.proto {
                    Proto::Tcp | Proto::Tcpv6 => Proto::Tcp,
                    _ => Proto::Udp,
                };
                (
                    proto,
                    (r.local.host.clone(), r.local.port.clone()),
                    (r.foreign.host.clone(), r.foreign.port.clone()),
                    r.state.clone(),
                    r.pid,
                )
            })
            .collect();
        prop_assert_eq!(got, expected);
    }
}
