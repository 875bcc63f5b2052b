//! Connection events from real event logs (issue 19 §1): every Sysmon 3 and Security 5156 record
//! of ../shared/realdata/connlogs is one `connections[]` fact with its PID and image, as counted
//! by `evtx_dump 0.15.1` in that folder's SOURCES.md (5158 binds are not connections).

mod support;

use serde_json::Value;

/// (file, connection events, TCP outbound, TCP inbound, other protocols) from SOURCES.md.
const ORACLE: &[(&str, usize, usize, usize, usize)] = &[
    (
        "EVTX-ATTACK-SAMPLES__DE_RDP_Tunnel_5156.evtx",
        63,
        22,
        3,
        38,
    ),
    (
        "EVTX-ATTACK-SAMPLES__DE_sysmon-3-rdp-tun.evtx",
        42,
        5,
        7,
        30,
    ),
    (
        "EVTX-ATTACK-SAMPLES__tunna_iis_rdp_smb_tunneling_sysmon_3.evtx",
        12,
        4,
        4,
        4,
    ),
];

#[test]
fn every_connection_event_is_a_fact_with_pid_and_image() {
    let Some(root) = support::realdata("connlogs") else {
        return;
    };
    let dir = root.join("connlogs");
    for &(file, all, out, inb, other) in ORACLE {
        let run = support::watched_bin()
            .args(["analyze", "--format", "json"])
            .arg(dir.join(file))
            .output()
            .unwrap();
        assert_eq!(run.status.code(), Some(0), "{file}");
        let v: Value = serde_json::from_slice(&run.stdout).unwrap();
        let c = v["connections"].as_array().unwrap();
        assert_eq!(c.len(), all, "{file}");
        let tcp: Vec<&Value> = c.iter().filter(|x| x["protocol"] == "tcp").collect();
        let dir_count = |d: &str| tcp.iter().filter(|x| x["direction"] == d).count();
        assert_eq!(
            (
                dir_count("outbound"),
                dir_count("inbound"),
                c.len() - tcp.len()
            ),
            (out, inb, other),
            "{file}"
        );
        for x in c {
            assert!(x["pid"].is_u64(), "{file}: {x}");
            assert!(
                x["image"].as_str().is_some_and(|i| !i.is_empty()),
                "{file}: {x}"
            );
            assert!(
                x["source"]["locator"]
                    .as_str()
                    .unwrap()
                    .starts_with("record ")
            );
        }
        let on_timeline = v["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["kind"] == "connection")
            .count();
        assert_eq!(on_timeline, all, "{file}");
    }
}

/// Sysmon's own `UtcTime` (ms) is the connection's time, not the time the event was written.
#[test]
fn sysmon_connections_carry_the_process_and_their_own_time() {
    let Some(root) = support::realdata("connlogs") else {
        return;
    };
    let dir = root.join("connlogs");
    let run = support::watched_bin()
        .args(["analyze", "--format", "json"])
        .arg(dir.join("EVTX-ATTACK-SAMPLES__DE_sysmon-3-rdp-tun.evtx"))
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&run.stdout).unwrap();
    let plink = v["connections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["pid"] == 2312)
        .expect("plink.exe's first connection");
    assert_eq!(plink["time"], "2019-02-16T10:02:21.995000000Z");
    assert_eq!(plink["image"], "C:\\Users\\IEUser\\Desktop\\plink.exe");
    assert_eq!(plink["event"], "sysmon_3");
    assert_eq!(
        (
            &plink["src"],
            &plink["sport"],
            &plink["dst"],
            &plink["dport"]
        ),
        (
            &Value::from("10.0.2.17"),
            &Value::from(49185),
            &Value::from("10.0.2.18"),
            &Value::from(80)
        )
    );
    assert_eq!(plink["direction"], "outbound");
    assert_eq!(plink["host"], "PC01");
}
