//! Reports (issue 7): golden files of every format on the demo bundle, Timesketch fields on every
//! JSONL line, CSV rows equal to the JSONL rows, and generated scenarios (empty input, odd host
//! names, several 4226 over days, clock offsets, alarm gaps, verdicts).

use halfopen::config::{Config, NamedTz};
use halfopen::correlate::{Analysis, ClockOffset, Verdict};
use halfopen::model::UtcTime;
use halfopen::report::OutputFormat;
use halfopen::report::{RenderOptions, render};
use halfopen_testgen::evtx::{EventSpec, write_evtx};
use halfopen_testgen::pcap::{SynthSegment, SynthTcp, write_pcap};
use serde_json::Value;
use std::net::IpAddr;

const DEMO: &str = "fixtures/demo";
const NETSTAT_TIME: &str = "2026-03-14T10:02:40Z";

fn demo() -> Analysis {
    let mut c = Config::new(vec![DEMO.into()]);
    c.netstat_time = UtcTime::parse_rfc3339(NETSTAT_TIME);
    c.series = true;
    halfopen::analyze(&c)
}

fn plain() -> RenderOptions {
    RenderOptions {
        color: false,
        width: Some(120),
        tz: None,
        verdicts_only: false,
    }
}

fn rendered(format: OutputFormat, a: &Analysis, opts: &RenderOptions) -> String {
    let mut buf = Vec::new();
    render(format, a, opts, &mut buf).unwrap();
    String::from_utf8(buf).unwrap()
}

fn jsonl_rows(s: &str) -> Vec<Value> {
    s.lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn csv_rows(s: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_reader(s.as_bytes());
    let header = r.headers().unwrap().iter().map(str::to_string).collect();
    let rows = r
        .records()
        .map(|rec| rec.unwrap().iter().map(str::to_string).collect())
        .collect();
    (header, rows)
}

#[test]
fn demo_golden_files_for_every_format() {
    let a = demo();
    insta::assert_snapshot!("demo_text", rendered(OutputFormat::Text, &a, &plain()));
    insta::assert_snapshot!("demo_json", rendered(OutputFormat::Json, &a, &plain()));
    insta::assert_snapshot!("demo_html", rendered(OutputFormat::Html, &a, &plain()));
    insta::assert_snapshot!("demo_jsonl", rendered(OutputFormat::Jsonl, &a, &plain()));
    let tz = RenderOptions {
        tz: Some(NamedTz::parse("Europe/Berlin").unwrap()),
        ..plain()
    };
    insta::assert_snapshot!("demo_csv_tz", rendered(OutputFormat::Csv, &a, &tz));
}

#[test]
fn every_jsonl_line_carries_the_fields_timesketch_requires() {
    let a = demo();
    let rows = jsonl_rows(&rendered(OutputFormat::Jsonl, &a, &plain()));
    assert_eq!(rows.len(), 131); // 130 signs + the limit's release (issue 20 §5)
    for (i, r) in rows.iter().enumerate() {
        let o = r.as_object().unwrap();
        for key in ["message", "datetime", "timestamp_desc"] {
            let v = o[key].as_str().unwrap_or_else(|| panic!("line {i}: {key}"));
            assert!(!v.is_empty(), "line {i}: empty {key}");
        }
        let dt = o["datetime"].as_str().unwrap();
        assert!(dt.ends_with('Z') && dt.len() == 27, "line {i}: {dt}");
        let micros = jiff::Timestamp::from_microsecond(o["timestamp"].as_i64().unwrap()).unwrap();
        assert_eq!(micros, dt.parse::<jiff::Timestamp>().unwrap(), "line {i}");
        assert_eq!(o["clock_offset_s"].as_f64(), Some(0.0), "line {i}");
    }
    let e4226: Vec<&Value> = rows.iter().filter(|r| r["kind"] == "tcpip_4226").collect();
    assert_eq!(e4226.len(), 1);
    let e = e4226[0];
    assert_eq!(e["datetime"], "2026-03-14T10:02:13.000000Z");
    assert_eq!(e["timestamp"], 1_773_482_533_000_000i64);
    assert_eq!(e["timestamp_desc"], "Event Logged");
    assert_eq!(e["host"], "WS-ALARM01");
    assert_eq!(e["source_path"], "fixtures/demo/WS-ALARM01-System.evtx");
    assert_eq!(e["source_locator"], "record 1205");
    assert_eq!(e["raw_time"], "2026-03-14T10:02:13.0000000Z");
    let keys: Vec<&str> = e.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys[0], "schema_version", "the version first");
    assert_eq!(e["schema_version"], halfopen::report::SCHEMA_VERSION);
    assert_eq!(
        keys[1..],
        halfopen::report::csv::COLUMNS,
        "JSONL keys in CSV column order"
    );
}

#[test]
fn csv_has_the_same_rows_as_jsonl() {
    let a = demo();
    let jsonl = jsonl_rows(&rendered(OutputFormat::Jsonl, &a, &plain()));
    let (header, rows) = csv_rows(&rendered(OutputFormat::Csv, &a, &plain()));
    assert_eq!(header, halfopen::report::csv::COLUMNS);
    assert_eq!(rows.len(), jsonl.len());
    for (c, j) in rows.iter().zip(&jsonl) {
        for (col, cell) in header.iter().zip(c) {
            let v = &j[col.as_str()];
            match v {
                Value::String(s) => assert_eq!(cell, s, "{col}"),
                Value::Number(n) => {
                    assert_eq!(cell.parse::<f64>().unwrap(), n.as_f64().unwrap(), "{col}")
                }
                other => panic!("{col}: unexpected {other}"),
            }
        }
    }
}

#[test]
fn csv_with_tz_adds_local_time_and_keeps_utc() {
    let a = demo();
    let opts = RenderOptions {
        tz: Some(NamedTz::parse("Europe/Berlin").unwrap()),
        ..plain()
    };
    let (header, rows) = csv_rows(&rendered(OutputFormat::Csv, &a, &opts));
    assert_eq!(header.len(), 12);
    assert_eq!(header[10], "local_time");
    assert_eq!(header[11], "local_zone");
    let r = rows.iter().find(|r| r[5] == "tcpip_4226").unwrap();
    assert_eq!(r[0], "2026-03-14T10:02:13.000000Z");
    assert_eq!(r[10], "2026-03-14 11:02:13.000000");
    assert_eq!(r[11], "Europe/Berlin (+01:00)");
}

#[test]
fn clock_offsets_give_raw_time_and_offset_per_source() {
    let mut a = demo();
    a.clock_offsets.push(ClockOffset {
        source: "fixtures/demo/WS-ALARM01-System.evtx".into(),
        offset_s: -90.5,
        anchors: 1,
        method: halfopen::model::ClockMethod::Option,
        spread_s: 0.0,
    });
    let rows = jsonl_rows(&rendered(OutputFormat::Jsonl, &a, &plain()));
    let e = rows.iter().find(|r| r["kind"] == "tcpip_4226").unwrap();
    assert_eq!(e["clock_offset_s"], -90.5);
    // raw = time − offset = 10:02:13 + 90.5 s.
    assert_eq!(e["raw_time"], "2026-03-14T10:03:43.5000000Z");
    let pcap = rows
        .iter()
        .find(|r| r["kind"] == "half_open_limit_reached")
        .unwrap();
    assert_eq!(pcap["clock_offset_s"], 0.0);
    assert_eq!(pcap["raw_time"], "2026-03-14T10:02:10.090000Z");
    let text = rendered(OutputFormat::Text, &a, &plain());
    assert!(text.contains("CLOCK OFFSETS"), "{text}");
    assert!(text.contains("-90.500"), "{text}");
}

#[test]
fn terminal_colours_by_severity_only_when_asked() {
    let mut a = demo();
    a.verdicts = vec![Verdict {
        host: "WS-ALARM01".into(),
        severity: halfopen::model::VerdictSeverity::Critical,
        text: "reached the half-open limit".into(),
    }];
    let plain_text = rendered(OutputFormat::Text, &a, &plain());
    assert!(!plain_text.contains('\x1b'));
    assert!(plain_text.contains("VERDICTS\n  [critical] WS-ALARM01: reached the half-open limit"));
    let colored = rendered(
        OutputFormat::Text,
        &a,
        &RenderOptions {
            color: true,
            ..plain()
        },
    );
    assert!(colored.contains("\x1b[1;31m[critical]\x1b[0m WS-ALARM01"));
    assert!(colored.contains("\x1b[1;31m[half-open limit]\x1b[0m WS-ALARM01"));
}

#[test]
fn terminal_tables_fit_the_width_and_show_a_sparkline() {
    let a = demo();
    for width in [80u16, 120] {
        let text = rendered(
            OutputFormat::Text,
            &a,
            &RenderOptions {
                width: Some(width),
                ..plain()
            },
        );
        for line in text.lines() {
            assert!(
                line.chars().count() <= usize::from(width),
                "{width}: {line}"
            );
        }
        let spark = text
            .lines()
            .find(|l| l.trim_start().starts_with("WS-ALARM01  │"))
            .unwrap();
        assert!(spark.contains('█'), "{spark}");
        assert!(text.contains("peak 10, 2026-03-14 10:01:00.000 UTC"));
    }
}

#[test]
fn html_chart_marks_point_at_their_timeline_rows() {
    let a = demo();
    let html = rendered(OutputFormat::Html, &a, &plain());
    // One chart per host with a half-open series; the netstat-only host gets a line.
    assert_eq!(html.matches(r#"<div class="chart""#).count(), 1);
    assert!(html.contains("to chart for: IOMLKF35454W."));
    assert_eq!(html.matches(r#"<path class="step""#).count(), 1);
    assert_eq!(html.matches(r#"class="m4226""#).count(), 1);
    assert_eq!(html.matches(r#"<rect class="netstat""#).count(), 2);
    let i = a
        .timeline
        .iter()
        .position(|e| e.kind.as_str() == "tcpip_4226")
        .unwrap();
    assert!(html.contains(&format!(r#"data-entry="e{i}""#)));
    assert!(html.contains(&format!(r#"<tr id="e{i}" class="critical""#)));
    assert!(!html.contains("http://") && !html.contains("https://"));
    let bars: usize = html.matches(r#"<rect class="density""#).count();
    assert!(bars > 0);
}

fn at(s: i64) -> UtcTime {
    UtcTime::from_unix_nanos((1_773_482_400 + s) * 1_000_000_000, 6)
}

fn event(record_id: u64, time: UtcTime, computer: &str) -> EventSpec {
    EventSpec {
        record_id,
        unix_ns: time.unix_nanos(),
        provider: "Tcpip".into(),
        event_id: 4226,
        qualifiers: Some(32768),
        level: 3,
        task: 0,
        keywords: 0x0080_0000_0000_0000,
        computer: computer.into(),
        channel: "System".into(),
        data: Vec::new(),
        data_names: Vec::new(),
        binary: None,
    }
}

/// A host whose name needs escaping everywhere, with three 4226 over two days and a capture
/// in which it opens 12 unanswered connects at once (limit 10).
fn odd_scenario(dir: &std::path::Path) -> Analysis {
    const NAME: &str = r#"HMI<&"02">,x"#;
    let events = [
        event(1, at(0), NAME),
        event(2, at(86_400), NAME),
        event(3, at(2 * 86_400 + 5), NAME),
    ];
    std::fs::write(dir.join("System.evtx"), write_evtx(&events)).unwrap();
    let src: IpAddr = "10.9.9.9".parse().unwrap();
    let mut packets = Vec::new();
    for k in 0..12u16 {
        for retry in [0, 3, 9] {
            packets.push(SynthTcp {
                unix_ns: at(2 * 86_400 + retry)
                    .plus_nanos(i64::from(k) * 1_000_000)
                    .unix_nanos(),
                seg: SynthSegment {
                    src,
                    dst: IpAddr::from([10, 9, 8, k as u8 + 1]),
                    sport: 2000 + k,
                    dport: 445,
                    flags: 0x02,
                    seq: 1000,
                    ack: 0,
                    payload_len: 0,
                },
            });
        }
    }
    packets.sort_by_key(|p| p.unix_ns);
    std::fs::write(dir.join("capture.pcap"), write_pcap(&packets)).unwrap();
    let mut c = Config::new(vec![dir.to_path_buf()]);
    c.series = true;
    c.hosts = vec![(NAME.to_string(), src)];
    halfopen::analyze(&c)
}

#[test]
fn odd_names_are_escaped_in_html_and_quoted_in_csv() {
    let dir = tempfile::tempdir().unwrap();
    let a = odd_scenario(dir.path());
    assert_eq!(
        a.timeline
            .iter()
            .filter(|e| e.kind.as_str() == "tcpip_4226")
            .count(),
        3
    );
    let html = rendered(OutputFormat::Html, &a, &plain());
    assert!(!html.contains(r#"HMI<&"#), "raw host name in the HTML");
    assert!(html.contains("HMI&lt;&amp;&quot;02&quot;&gt;,x"));
    assert_eq!(html.matches(r#"class="m4226""#).count(), 3);
    // Two days on one axis: day and minute labels.
    assert!(html.contains(">03-15 00:00<"), "day ticks");

    let jsonl = jsonl_rows(&rendered(OutputFormat::Jsonl, &a, &plain()));
    let (_, rows) = csv_rows(&rendered(OutputFormat::Csv, &a, &plain()));
    assert_eq!(rows.len(), jsonl.len());
    assert_eq!(rows.len(), a.timeline.len());
    let host_rows = rows.iter().filter(|r| r[4] == r#"HMI<&"02">,x"#).count();
    assert_eq!(
        host_rows,
        jsonl
            .iter()
            .filter(|j| j["host"] == r#"HMI<&"02">,x"#)
            .count()
    );
    assert!(
        host_rows >= 3 + 12,
        "4226s and unanswered connects: {host_rows}"
    );
    // Every format renders.
    for f in [OutputFormat::Text, OutputFormat::Json] {
        assert!(!rendered(f, &a, &plain()).is_empty());
    }
}

#[test]
fn an_empty_analysis_renders_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let a = halfopen::analyze(&Config::new(vec![dir.path().to_path_buf()]));
    assert!(a.timeline.is_empty());
    assert_eq!(rendered(OutputFormat::Jsonl, &a, &plain()), "");
    let (header, rows) = csv_rows(&rendered(OutputFormat::Csv, &a, &plain()));
    assert_eq!(header, halfopen::report::csv::COLUMNS);
    assert!(rows.is_empty());
    let html = rendered(OutputFormat::Html, &a, &plain());
    // Nothing was read: the page says so, never "no host reached the limit".
    assert!(html.contains("None: nothing was read (see the verdict)."));
    assert!(!html.contains("no host reached the half-open limit"));
    assert_eq!(html.matches("<svg ").count(), 0);
    let text = rendered(OutputFormat::Text, &a, &plain());
    assert!(text.contains("TIMELINE (0 entries)"));
}

#[test]
fn alarm_gaps_and_verdicts_show_in_html_when_present() {
    let mut a = demo();
    a.verdicts.push(Verdict {
        host: "WS-ALARM01".into(),
        severity: halfopen::model::VerdictSeverity::Critical,
        text: "half-open limit reached; alarm clients cut off".into(),
    });
    a.alarm_gaps.push(halfopen::analysis::alarm::AlarmGap {
        client: "10.1.1.21".parse().unwrap(),
        provider: "10.1.1.10".parse().unwrap(),
        start: UtcTime::parse_rfc3339("2026-03-14T10:02:14.5Z").unwrap(),
        end: UtcTime::parse_rfc3339("2026-03-14T10:03:34Z").unwrap(),
        seconds: 79.5,
        cause: "reset".into(),
        frame: 300,
        path: None,
    });
    let html = rendered(OutputFormat::Html, &a, &plain());
    assert!(html.contains(r#"<div class="verdict critical"><span class="sev">critical</span><strong>WS-ALARM01</strong>: half-open limit reached; alarm clients cut off</div>"#));
    assert_eq!(html.matches(r#"<rect class="gap""#).count(), 1);
    assert!(html.contains("1 min 20 s (reset), frame 300"));
    let text = rendered(OutputFormat::Text, &a, &plain());
    assert!(text.contains("ALARM GAPS"));
}

/// Every `YYYY-MM-DDTHH:MM` in `s`: RFC 3339 times, which the human reports never show.
fn rfc3339_times(s: &str) -> Vec<&str> {
    s.match_indices('T')
        .filter(|(i, _)| {
            let b = s.as_bytes();
            *i >= 10
                && b[i - 10..*i].iter().filter(|c| c.is_ascii_digit()).count() == 8
                && b.get(i + 3) == Some(&b':')
        })
        .map(|(i, _)| &s[i - 10..(i + 9).min(s.len())])
        .collect()
}

#[test]
fn human_reports_show_one_time_style_with_ms_and_zone() {
    let a = demo();
    for format in [OutputFormat::Text, OutputFormat::Html] {
        let out = rendered(format, &a, &plain());
        assert!(rfc3339_times(&out).is_empty(), "{:?}", rfc3339_times(&out));
        assert!(out.contains("2026-03-14 10:02:13.000 UTC"), "{format:?}");
        assert!(out.contains("all times UTC"), "{format:?}");
    }
    // Tables keep a time or duration whole with no-break spaces.
    let text = rendered(OutputFormat::Text, &a, &plain()).replace('\u{a0}', " ");
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("[critical] WS-ALARM01 On WS-ALARM01 the half-open connection limit was reached at 2026-03-14 10:02:13.000 UTC (Event 4226)."));
    assert!(text.contains("1 min 24 s"), "durations read as minutes");
}

#[test]
fn tz_shows_every_human_time_in_that_zone_and_says_so() {
    let a = demo();
    let tz = RenderOptions {
        tz: Some(NamedTz::parse("Europe/Berlin").unwrap()),
        ..plain()
    };
    for format in [OutputFormat::Text, OutputFormat::Html] {
        let out = rendered(format, &a, &tz);
        assert!(!out.contains("all times UTC"), "{format:?}");
        let out = out.replace("&#x2f;", "/");
        assert!(out.contains("all times in Europe/Berlin"), "{format:?}");
        assert!(out.contains("2026-03-14 11:02:13.000 +01:00"), "{format:?}");
        assert!(!out.contains("10:02:13.000 UTC"), "{format:?}");
    }
    // Machine outputs keep RFC 3339 UTC.
    let json = rendered(OutputFormat::Json, &a, &tz);
    assert!(json.contains("2026-03-14T10:02:13.0000000Z"));
}

/// The demo with three more quiet hosts, a single-event finding and a minor half-open peak.
fn noisy_demo() -> Analysis {
    use halfopen::model::{EntryKind, TimelineEntry, VerdictSeverity};
    let mut a = demo();
    for h in ["PC-A", "PC-B", "PC-C"] {
        a.verdicts.push(Verdict {
            host: h.into(),
            severity: VerdictSeverity::Ok,
            text: "no sign of the half-open connection limit".into(),
        });
    }
    let mut one = a.findings[0].clone();
    one.host = "WKS-ONE".into();
    one.end = one.start;
    one.summary = format!("Event 4226 window from {} to {}", one.start, one.end);
    a.findings.push(one);
    let mut peak: TimelineEntry = a
        .timeline
        .iter()
        .find(|e| e.kind == EntryKind::HalfOpenPeak)
        .unwrap()
        .clone();
    peak.message = "10.1.1.99 peak of 1 concurrent half-open outgoing connections".into();
    a.timeline.push(peak);
    a
}

#[test]
fn quiet_hosts_fold_single_events_are_moments_and_minor_peaks_are_left_out() {
    let a = noisy_demo();
    let text = rendered(OutputFormat::Text, &a, &plain());
    let ok: Vec<&str> = text.lines().filter(|l| l.contains("[ok]")).collect();
    assert_eq!(
        ok,
        ["  [ok] 4 other hosts: no sign of the limit (IOMLKF35454W, PC-A, PC-B, PC-C)"]
    );
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("Event 4226 window at 2026-03-14 10:02:10.090 UTC"));
    assert!(!flat.contains("from 2026-03-14 10:02:10.090 UTC to 2026-03-14 10:02:10.090 UTC"));
    assert!(flat.contains("[half-open limit] WKS-ONE 2026-03-14 10:02:10.090 UTC Event"));
    assert!(!flat.contains("peak of 1 concurrent"), "minor peak shown");
    assert!(
        flat.contains("TIMELINE (132 entries; 1 half-open peak far below the limit not shown)")
    );
    let html = rendered(OutputFormat::Html, &a, &plain());
    assert_eq!(html.matches(r#"<div class="verdict ok">"#).count(), 1);
    assert!(!html.contains("peak of 1 concurrent"));
    // The JSON keeps every entry and verdict as correlate made them.
    let json = rendered(OutputFormat::Json, &a, &plain());
    assert!(json.contains("peak of 1 concurrent half-open outgoing connections"));
    assert!(json.contains("\"PC-A\""));
}

#[test]
fn plurals_and_labels_read_as_plain_english() {
    let a = demo();
    let text = rendered(OutputFormat::Text, &a, &plain());
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains("4 inputs, 0 skipped records, 1 finding ("),
        "{flat}"
    );
    assert!(flat.contains("refused (RST), 1 SYN "), "{flat}");
    assert!(!flat.contains("1 SYNs"));
    assert!(flat.contains("10 unanswered connects in this second"));
    for machine in [
        "half_open_limit_reached",
        "tcpip_4226",
        "[half_open_limit]",
        "×10 in",
    ] {
        assert!(!flat.contains(machine), "{machine} in the text report");
    }
    let html = rendered(OutputFormat::Html, &a, &plain());
    assert!(
        html.contains(r#"data-kind="tcpip_4226""#),
        "filters keep machine names"
    );
    assert!(html.contains(r#"<td class="kind">Event 4226 (limit)</td>"#));
    assert!(html.contains("4 inputs, 0 skipped records, 1 finding, 131 timeline entries"));
}

#[test]
fn html_has_capture_and_netstat_tables_and_times_that_do_not_wrap() {
    let a = demo();
    let html = rendered(OutputFormat::Html, &a, &plain());
    let captures = &html[html.find(r#"<table id="captures">"#).unwrap()..];
    let captures = &captures[..captures.find("</table>").unwrap()];
    assert!(captures.contains(
        "<td>450</td><td>123</td><td>80</td><td>2</td><td>3</td><td>2</td><td>1</td><td>40</td><td>0</td>"
    ));
    let netstat = &html[html.find(r#"<table id="netstat">"#).unwrap()..];
    let netstat = &netstat[..netstat.find("</table>").unwrap()];
    assert_eq!(netstat.matches("<tr><td").count(), 4);
    assert!(netstat.contains(
        r#"<td class="time">2026-03-14 10:02:40.000 UTC (--netstat-time)</td><td>19</td><td>10 (at the limit)</td><td>2412: 10</td>"#
    ));
    assert!(
        html.contains(
            "td.mono:first-child, td.time, .finding .head .mono { white-space: nowrap; }"
        )
    );
}
