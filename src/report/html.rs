//! `--format html`: one self-contained file (inline CSS, SVG and a little JS; no network).
//!
//! Layout (issue 7): verdicts and findings first; then per host a chart of the half-open step
//! line against the limit, with Event 4226 markers, SYN-retransmission density, alarm gaps as
//! bands and netstat snapshots as points (hover shows the entry); then the timeline with filters
//! by host, kind and source.
//!
//! The geometry of every chart is computed here, in a view model ([`Page`], [`Chart`]); the
//! minijinja template `templates/report.html` only lays it out (and escapes every text). All
//! facts come from the [`Analysis`]: a host's chart needs its `half_open_series` for the step
//! line, and shows the other layers without it.

use super::Renderer;
use super::terminal::kind_severity;
use crate::correlate::{Analysis, HostSummary};
use crate::model::{EntryKind, TimelineEntry, UtcTime};
use serde::Serialize;
use std::collections::BTreeSet;
use std::io::Write;

/// The template, compiled into the binary.
const TEMPLATE: &str = include_str!("../../templates/report.html");

/// Chart size in SVG user units (the SVG scales to the page width).
const WIDTH: f64 = 960.0;
const HEIGHT: f64 = 262.0;
/// The plot area of the step line.
const PLOT_LEFT: f64 = 52.0;
const PLOT_RIGHT: f64 = 944.0;
const PLOT_TOP: f64 = 14.0;
const PLOT_BOTTOM: f64 = 178.0;
/// The SYN-retransmission density band under the plot.
const DENSITY_TOP: f64 = 196.0;
const DENSITY_BOTTOM: f64 = 226.0;
/// Width of one density bin.
const DENSITY_BIN_PX: f64 = 8.0;
/// Where the time labels sit.
const AXIS_LABEL_Y: f64 = 244.0;
/// Problems listed per input before "… and N more".
const PROBLEMS_SHOWN: usize = 20;

/// The html report.
pub struct Html;

impl Renderer for Html {
    fn render(&self, analysis: &Analysis, out: &mut dyn Write) -> std::io::Result<()> {
        let page = Page::new(analysis);
        let html = render_page(&page).map_err(std::io::Error::other)?;
        out.write_all(html.as_bytes())
    }
}

/// Renders `page` with the report template.
pub fn render_page(page: &Page) -> Result<String, minijinja::Error> {
    let mut env = minijinja::Environment::new();
    env.add_template("report.html", TEMPLATE)?;
    let ctx = serde_json::to_value(page).map_err(|e| {
        minijinja::Error::new(minijinja::ErrorKind::BadSerialization, e.to_string())
    })?;
    env.get_template("report.html")?.render(to_value(ctx))
}

/// A JSON value as a template value (minijinja is built without its `serde` feature).
fn to_value(v: serde_json::Value) -> minijinja::Value {
    use minijinja::Value;
    use serde_json::Value as J;
    match v {
        J::Null => Value::from(()),
        J::Bool(b) => Value::from(b),
        J::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
            (Some(i), _, _) => Value::from(i),
            (_, Some(u), _) => Value::from(u),
            (_, _, Some(f)) => Value::from(f),
            _ => Value::from(n.to_string()),
        },
        J::String(s) => Value::from(s),
        J::Array(a) => Value::from(a.into_iter().map(to_value).collect::<Vec<_>>()),
        J::Object(o) => Value::from(
            o.into_iter()
                .map(|(k, v)| (k, to_value(v)))
                .collect::<std::collections::BTreeMap<String, Value>>(),
        ),
    }
}

/// Everything the template shows. Coordinates are preformatted strings (one decimal).
#[derive(Debug, Clone, Serialize)]
pub struct Page {
    pub title: String,
    pub half_open_limit: u32,
    pub inputs_count: usize,
    pub skipped: u64,
    pub entries: usize,
    pub verdicts: Vec<VerdictView>,
    pub warnings: Vec<String>,
    pub errors: Vec<String>,
    pub findings: Vec<FindingView>,
    pub inputs: Vec<InputView>,
    pub clock_offsets: Vec<[String; 4]>,
    pub alarm_gaps: Vec<[String; 7]>,
    pub charts: Vec<Chart>,
    /// Hosts with nothing to draw (no timed facts).
    pub hosts_without_chart: Vec<String>,
    pub timeline: Vec<Row>,
    pub filter_hosts: Vec<String>,
    pub filter_kinds: Vec<String>,
    pub filter_sources: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct VerdictView {
    pub host: String,
    pub severity: String,
    pub text: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct FindingView {
    pub kind: String,
    pub host: String,
    pub start: String,
    pub end: String,
    pub summary: String,
    /// Each: time, kind, message, source.
    pub evidence: Vec<[String; 4]>,
    pub culprits: Vec<String>,
    pub unanswered: Vec<String>,
    pub resolution: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct InputView {
    pub path: String,
    pub format: String,
    pub records: u64,
    pub skipped: u64,
    pub error: String,
    /// `locator: reason`, the first [`PROBLEMS_SHOWN`].
    pub problems: Vec<String>,
    pub more_problems: usize,
}

/// One timeline row; `id` (`e0`, `e1`, …) is what chart marks point at.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub id: String,
    pub time: String,
    pub host: String,
    pub kind: String,
    /// `critical`, `warning` or empty (CSS class).
    pub class: &'static str,
    pub message: String,
    pub source: String,
    pub locator: String,
}

/// A point-like mark at `x` (and `y` where it has one); `info` is shown on hover, `entry` is
/// the id of its timeline row (empty when none).
#[derive(Debug, Clone, Serialize)]
pub struct Mark {
    pub x: String,
    pub y: String,
    pub info: String,
    pub entry: String,
}

/// A horizontal extent from `x` of width `w` (alarm gap bands, density bars with `y`/`h`).
#[derive(Debug, Clone, Serialize)]
pub struct Band {
    pub x: String,
    pub w: String,
    pub y: String,
    pub h: String,
    pub info: String,
}

/// An axis tick at `pos` (x or y) with its label.
#[derive(Debug, Clone, Serialize)]
pub struct Tick {
    pub pos: String,
    pub label: String,
}

/// One host's chart.
#[derive(Debug, Clone, Serialize)]
pub struct Chart {
    pub host: String,
    /// HTML id (`chart-0`, …).
    pub id: String,
    pub width: f64,
    pub height: f64,
    pub left: f64,
    pub right: f64,
    pub top: f64,
    pub bottom: f64,
    pub density_top: f64,
    pub density_bottom: f64,
    pub axis_label_y: f64,
    /// The SVG path `d` of the half-open step line; empty when the host has no series.
    pub step_path: String,
    pub limit_y: String,
    pub limit_label: String,
    pub y_ticks: Vec<Tick>,
    pub x_ticks: Vec<Tick>,
    /// The first and last instant of the x axis, and what the x axis shows.
    pub from: String,
    pub to: String,
    pub axis_caption: String,
    pub marks_4226: Vec<Mark>,
    pub marks_limit: Vec<Mark>,
    pub netstat_points: Vec<Mark>,
    pub gap_bands: Vec<Band>,
    pub density_bars: Vec<Band>,
    pub peak: String,
    pub syn_retransmissions: u64,
    pub has_series: bool,
}

fn f1(v: f64) -> String {
    format!("{v:.1}")
}

fn source_text(e: &TimelineEntry) -> String {
    format!("{} {}", e.source.path.display(), e.source.locator)
}

fn entry_info(e: &TimelineEntry) -> String {
    format!(
        "{}  {}  {}  ({})",
        e.time,
        e.kind,
        e.message,
        source_text(e)
    )
}

impl Page {
    /// The view model of `a`.
    pub fn new(a: &Analysis) -> Page {
        let with_findings: BTreeSet<&str> = a.findings.iter().map(|f| f.host.as_str()).collect();
        let title = if with_findings.is_empty() {
            "halfopen report".to_string()
        } else {
            let hosts: Vec<&str> = with_findings.into_iter().collect();
            format!("halfopen report: {}", hosts.join(", "))
        };
        let mut charts = Vec::new();
        let mut hosts_without_chart = Vec::new();
        // Hosts with a finding first, then the others, each in the analysis' order.
        let (first, rest): (Vec<&HostSummary>, Vec<&HostSummary>) = a
            .hosts
            .iter()
            .partition(|h| a.findings.iter().any(|f| f.host == h.name));
        for h in first.into_iter().chain(rest) {
            match Chart::new(a, h, charts.len()) {
                Some(c) => charts.push(c),
                None => hosts_without_chart.push(h.name.clone()),
            }
        }
        let timeline: Vec<Row> = a
            .timeline
            .iter()
            .enumerate()
            .map(|(i, e)| Row {
                id: format!("e{i}"),
                time: e.time.to_string(),
                host: e.host.clone().unwrap_or_default(),
                kind: e.kind.to_string(),
                class: severity_class(e.kind),
                message: e.message.clone(),
                source: e.source.path.display().to_string(),
                locator: e.source.locator.to_string(),
            })
            .collect();
        let distinct = |f: &dyn Fn(&Row) -> &str| -> Vec<String> {
            let s: BTreeSet<&str> = timeline.iter().map(f).collect();
            s.into_iter().map(str::to_string).collect()
        };
        let filter_hosts = distinct(&|r: &Row| r.host.as_str());
        let filter_kinds = distinct(&|r: &Row| r.kind.as_str());
        let filter_sources = distinct(&|r: &Row| r.source.as_str());
        Page {
            title,
            half_open_limit: a.settings.half_open_limit,
            inputs_count: a.inputs.len(),
            skipped: a.inputs.iter().map(|i| i.skipped).sum(),
            entries: a.timeline.len(),
            verdicts: a
                .verdicts
                .iter()
                .map(|v| VerdictView {
                    host: v.host.clone(),
                    severity: v.severity.to_string(),
                    text: v.text.clone(),
                })
                .collect(),
            warnings: a.warnings.clone(),
            errors: a.errors.iter().map(|e| e.error.clone()).collect(),
            findings: a
                .findings
                .iter()
                .map(|f| FindingView {
                    kind: f.kind.to_string(),
                    host: f.host.clone(),
                    start: f.start.to_string(),
                    end: f.end.to_string(),
                    summary: f.summary.clone(),
                    evidence: f
                        .evidence
                        .iter()
                        .map(|e| {
                            [
                                e.time.to_string(),
                                e.kind.to_string(),
                                e.message.clone(),
                                format!("{} {}", e.source.path.display(), e.source.locator),
                            ]
                        })
                        .collect(),
                    culprits: f
                        .culprits
                        .iter()
                        .map(|c| format!("PID {} ({} SYN_SENT)", c.pid, c.syn_sent))
                        .collect(),
                    unanswered: f.unanswered_destinations.clone(),
                    resolution: f.resolution.to_string(),
                })
                .collect(),
            inputs: a
                .inputs
                .iter()
                .map(|i| InputView {
                    path: i.path.clone(),
                    format: i.format.to_string(),
                    records: i.records,
                    skipped: i.skipped,
                    error: i.error.clone().unwrap_or_default(),
                    problems: i
                        .problems
                        .iter()
                        .take(PROBLEMS_SHOWN)
                        .map(|p| format!("{}: {}", p.locator, p.reason))
                        .collect(),
                    more_problems: i.problems.len().saturating_sub(PROBLEMS_SHOWN),
                })
                .collect(),
            clock_offsets: a
                .clock_offsets
                .iter()
                .map(|c| {
                    [
                        c.source.clone(),
                        format!("{:+.3}", c.offset_s),
                        c.anchors.to_string(),
                        c.method.to_string(),
                    ]
                })
                .collect(),
            alarm_gaps: a
                .alarm_gaps
                .iter()
                .map(|g| {
                    [
                        g.client.to_string(),
                        g.provider.to_string(),
                        g.start.to_string(),
                        g.end.to_string(),
                        format!("{:.1}", g.seconds),
                        g.cause.clone(),
                        g.frame.to_string(),
                    ]
                })
                .collect(),
            charts,
            hosts_without_chart,
            timeline,
            filter_hosts,
            filter_kinds,
            filter_sources,
        }
    }
}

fn severity_class(kind: EntryKind) -> &'static str {
    use super::terminal::Severity;
    match kind_severity(kind) {
        Some(Severity::Critical) => "critical",
        Some(Severity::Warning) => "warning",
        _ => "",
    }
}

/// Maps instants to x between [`PLOT_LEFT`] and [`PLOT_RIGHT`].
#[derive(Debug, Clone, Copy)]
struct XScale {
    t0: i64,
    t1: i64,
}

impl XScale {
    fn x(&self, t: UtcTime) -> f64 {
        let span = (self.t1 as i128 - self.t0 as i128).max(1) as f64;
        let frac = (t.unix_nanos() as i128 - self.t0 as i128) as f64 / span;
        PLOT_LEFT + frac.clamp(0.0, 1.0) * (PLOT_RIGHT - PLOT_LEFT)
    }
}

/// Maps counts to y between [`PLOT_BOTTOM`] (0) and [`PLOT_TOP`] (`max`).
fn y_of(count: f64, max: f64) -> f64 {
    PLOT_BOTTOM - (count / max.max(1.0)).clamp(0.0, 1.0) * (PLOT_BOTTOM - PLOT_TOP)
}

/// Kinds that mark a host's life (boot, shutdown), not the incident: left out of the chart's
/// time range so a boot hours earlier does not squash the incident into a few pixels.
fn charted(kind: EntryKind) -> bool {
    !matches!(
        kind,
        EntryKind::Boot | EntryKind::Shutdown | EntryKind::UnexpectedShutdown
    )
}

/// Tick steps in seconds, from 1 s to 30 days.
const TICK_STEPS_S: [i64; 22] = [
    1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400,
    172800, 604800, 1209600, 2592000,
];

/// Time ticks: the smallest step from [`TICK_STEPS_S`] giving at most 8 ticks, at whole
/// multiples of the step (UTC).
fn x_ticks(scale: XScale) -> Vec<Tick> {
    let span_s = (scale.t1 as i128 - scale.t0 as i128) as f64 / 1e9;
    let step = TICK_STEPS_S
        .iter()
        .copied()
        .find(|s| span_s / *s as f64 <= 8.0)
        .unwrap_or(2_592_000);
    let first = scale.t0.div_euclid(1_000_000_000).div_euclid(step) * step + step;
    let mut out = Vec::new();
    let mut s = first;
    while (s as i128) * 1_000_000_000 <= scale.t1 as i128 && out.len() < 12 {
        let t = UtcTime::from_unix_secs(s);
        let text = t.to_string();
        // `YYYY-MM-DDTHH:MM:SSZ`: time of day under a day; day and minute above.
        let label = if span_s < 86_400.0 {
            text.get(11..19).unwrap_or(&text).to_string()
        } else {
            format!(
                "{} {}",
                text.get(5..10).unwrap_or(""),
                text.get(11..16).unwrap_or("")
            )
        };
        out.push(Tick {
            pos: f1(scale.x(t)),
            label,
        });
        s += step;
    }
    out
}

/// The step path of `series` (sorted by time), at most three vertical moves per x column.
fn step_path(series: &[(UtcTime, u32)], scale: XScale, ymax: f64) -> String {
    let mut d = format!("M{},{}", f1(PLOT_LEFT), f1(y_of(0.0, ymax)));
    let mut col: Option<(String, u32, u32, u32)> = None; // x, min, max, last
    let flush = |d: &mut String, c: &(String, u32, u32, u32), prev: &mut u32| {
        let (x, lo, hi, last) = c;
        d.push_str(&format!("H{x}"));
        for v in [*lo, *hi, *last] {
            if v != *prev {
                d.push_str(&format!("V{}", f1(y_of(f64::from(v), ymax))));
                *prev = v;
            }
        }
    };
    let mut prev = 0u32;
    for &(t, c) in series {
        let x = f1(scale.x(t));
        match &mut col {
            Some((cx, lo, hi, last)) if *cx == x => {
                *lo = (*lo).min(c);
                *hi = (*hi).max(c);
                *last = c;
            }
            _ => {
                if let Some(c0) = col.take() {
                    flush(&mut d, &c0, &mut prev);
                }
                col = Some((x, c, c, c));
            }
        }
    }
    if let Some(c0) = col.take() {
        // Order within the column: go to the extreme first so the last value stays last.
        flush(&mut d, &c0, &mut prev);
    }
    d.push_str(&format!("H{}", f1(PLOT_RIGHT)));
    d
}

impl Chart {
    /// The chart of host `h`, or `None` when it has nothing timed to draw.
    fn new(a: &Analysis, h: &HostSummary, index: usize) -> Option<Chart> {
        let entries: Vec<(usize, &TimelineEntry)> = a
            .timeline
            .iter()
            .enumerate()
            .filter(|(_, e)| e.host.as_deref() == Some(h.name.as_str()) && charted(e.kind))
            .collect();
        let series: &[(UtcTime, u32)] = h.half_open_series.as_deref().unwrap_or(&[]);
        let gaps: Vec<_> = a
            .alarm_gaps
            .iter()
            .filter(|g| {
                h.addresses
                    .iter()
                    .any(|ad| *ad == g.client.to_string() || *ad == g.provider.to_string())
            })
            .collect();
        let netstat: Vec<_> = a
            .netstat
            .iter()
            .filter(|n| n.host.as_deref() == Some(h.name.as_str()))
            .collect();

        let times = series
            .iter()
            .map(|p| p.0)
            .chain(entries.iter().map(|(_, e)| e.time))
            .chain(gaps.iter().flat_map(|g| [g.start, g.end]))
            .chain(netstat.iter().map(|n| n.time));
        let (mut t0, mut t1) = times.fold(None, |acc: Option<(i64, i64)>, t| {
            let n = t.unix_nanos();
            Some(acc.map_or((n, n), |(lo, hi)| (lo.min(n), hi.max(n))))
        })?;
        if t1.saturating_sub(t0) < 1_000_000_000 {
            t0 = t0.saturating_sub(30_000_000_000);
            t1 = t1.saturating_add(30_000_000_000);
        }
        let pad = (t1.saturating_sub(t0)) / 50;
        let scale = XScale {
            t0: t0.saturating_sub(pad),
            t1: t1.saturating_add(pad),
        };

        let limit = a.settings.half_open_limit;
        let peak = series.iter().map(|p| p.1).max();
        let top_netstat = netstat.iter().map(|n| n.syn_sent).max().unwrap_or(0);
        let top = u64::from(limit.max(peak.unwrap_or(0))).max(top_netstat) as f64;
        let ymax = top + (top / 10.0).ceil().max(1.0);
        let y_step = [1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1000.0]
            .into_iter()
            .find(|s| ymax / s <= 6.0)
            .unwrap_or(ymax);
        let mut y_ticks = Vec::new();
        let mut v = 0.0;
        while v <= ymax {
            y_ticks.push(Tick {
                pos: f1(y_of(v, ymax)),
                label: format!("{v}"),
            });
            v += y_step;
        }

        let mark = |i: usize, e: &TimelineEntry, y: f64| Mark {
            x: f1(scale.x(e.time)),
            y: f1(y),
            info: entry_info(e),
            entry: format!("e{i}"),
        };
        let marks_4226 = entries
            .iter()
            .filter(|(_, e)| e.kind == EntryKind::Tcpip4226)
            .map(|(i, e)| mark(*i, e, PLOT_TOP))
            .collect();
        let marks_limit = entries
            .iter()
            .filter(|(_, e)| e.kind == EntryKind::HalfOpenLimitReached)
            .map(|(i, e)| mark(*i, e, y_of(f64::from(limit), ymax)))
            .collect();
        let netstat_points = netstat
            .iter()
            .map(|n| {
                let entry = a
                    .timeline
                    .iter()
                    .position(|e| {
                        e.kind == EntryKind::NetstatSnapshot
                            && e.source.path.display().to_string() == n.path
                            && e.time == n.time
                            && e.source
                                .locator
                                .to_string()
                                .starts_with(&format!("snapshot {} ", n.snapshot))
                    })
                    .map(|i| format!("e{i}"))
                    .unwrap_or_default();
                Mark {
                    x: f1(scale.x(n.time)),
                    y: f1(y_of(n.syn_sent as f64, ymax)),
                    info: format!(
                        "{}  netstat snapshot {} ({}): {} rows, {} SYN_SENT  ({} line {})",
                        n.time,
                        n.snapshot,
                        n.command.as_deref().unwrap_or("netstat"),
                        n.rows,
                        n.syn_sent,
                        n.path,
                        n.line
                    ),
                    entry,
                }
            })
            .collect();
        let gap_bands = gaps
            .iter()
            .map(|g| {
                let x0 = scale.x(g.start);
                let x1 = scale.x(g.end);
                Band {
                    x: f1(x0),
                    w: f1((x1 - x0).max(1.0)),
                    y: f1(PLOT_TOP),
                    h: f1(PLOT_BOTTOM - PLOT_TOP),
                    info: format!(
                        "alarm gap {} → {}: client {} / provider {}, {:.1} s ({}), frame {}",
                        g.start, g.end, g.client, g.provider, g.seconds, g.cause, g.frame
                    ),
                }
            })
            .collect();

        // SYN retransmission density: counts per bin of DENSITY_BIN_PX.
        let bins = ((PLOT_RIGHT - PLOT_LEFT) / DENSITY_BIN_PX).floor() as usize;
        let mut counts = vec![0u64; bins.max(1)];
        let mut syn_retransmissions = 0;
        for (_, e) in entries
            .iter()
            .filter(|(_, e)| e.kind == EntryKind::SynRetransmission)
        {
            let b = ((scale.x(e.time) - PLOT_LEFT) / DENSITY_BIN_PX) as usize;
            if let Some(c) = counts.get_mut(b.min(bins.saturating_sub(1))) {
                *c += 1;
            }
            syn_retransmissions += 1;
        }
        let most = counts.iter().copied().max().unwrap_or(0).max(1) as f64;
        let ns_per_px = (scale.t1 as i128 - scale.t0 as i128) as f64 / (PLOT_RIGHT - PLOT_LEFT);
        let density_bars = counts
            .iter()
            .enumerate()
            .filter(|(_, c)| **c > 0)
            .map(|(b, &c)| {
                let x = PLOT_LEFT + b as f64 * DENSITY_BIN_PX;
                let h = (c as f64 / most * (DENSITY_BOTTOM - DENSITY_TOP)).max(1.0);
                let at = |px: f64| {
                    UtcTime::from_unix_nanos(
                        scale
                            .t0
                            .saturating_add(((px - PLOT_LEFT) * ns_per_px) as i64),
                        0,
                    )
                };
                Band {
                    x: f1(x),
                    w: f1(DENSITY_BIN_PX - 1.0),
                    y: f1(DENSITY_BOTTOM - h),
                    h: f1(h),
                    info: format!(
                        "{c} SYN retransmissions between {} and {}",
                        at(x),
                        at(x + DENSITY_BIN_PX)
                    ),
                }
            })
            .collect();

        let from = UtcTime::from_unix_nanos(scale.t0, 0);
        let to = UtcTime::from_unix_nanos(scale.t1, 0);
        Some(Chart {
            host: h.name.clone(),
            id: format!("chart-{index}"),
            width: WIDTH,
            height: HEIGHT,
            left: PLOT_LEFT,
            right: PLOT_RIGHT,
            top: PLOT_TOP,
            bottom: PLOT_BOTTOM,
            density_top: DENSITY_TOP,
            density_bottom: DENSITY_BOTTOM,
            axis_label_y: AXIS_LABEL_Y,
            step_path: if series.is_empty() {
                String::new()
            } else {
                step_path(series, scale, ymax)
            },
            limit_y: f1(y_of(f64::from(limit), ymax)),
            limit_label: format!("limit {limit}"),
            y_ticks,
            x_ticks: x_ticks(scale),
            axis_caption: format!("UTC, {} → {}", from, to),
            from: from.to_string(),
            to: to.to_string(),
            marks_4226,
            marks_limit,
            netstat_points,
            gap_bands,
            density_bars,
            peak: peak.map(|p| p.to_string()).unwrap_or_else(|| "-".into()),
            syn_retransmissions,
            has_series: !series.is_empty(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: i64) -> UtcTime {
        UtcTime::from_unix_secs(1_773_482_400 + s)
    }

    #[test]
    fn step_path_goes_up_and_down_at_each_change_and_ends_at_the_right_edge() {
        let scale = XScale {
            t0: t(0).unix_nanos(),
            t1: t(100).unix_nanos(),
        };
        // 0..100 s over 892 px: 8.92 px per second; ymax 10 over 164 px: 16.4 px per count.
        let d = step_path(&[(t(10), 5), (t(50), 10), (t(90), 0)], scale, 10.0);
        assert_eq!(d, "M52.0,178.0H141.2V96.0H498.0V14.0H854.8V178.0H944.0");
    }

    #[test]
    fn points_in_one_pixel_column_keep_the_peak() {
        let scale = XScale {
            t0: t(0).unix_nanos(),
            t1: t(100_000).unix_nanos(),
        };
        let series = [(t(10), 3), (t(11), 9), (t(12), 2)];
        let d = step_path(&series, scale, 10.0);
        // One column: to 2 (its lowest), up to 9 (its peak), back to 2 (its last value).
        assert_eq!(d, "M52.0,178.0H52.1V145.2V30.4V145.2H944.0");
    }

    #[test]
    fn ticks_are_whole_steps_with_at_most_eight() {
        let scale = XScale {
            t0: t(0).unix_nanos(),
            t1: t(240).unix_nanos(),
        };
        let ticks = x_ticks(scale);
        let labels: Vec<&str> = ticks.iter().map(|t| t.label.as_str()).collect();
        // 10:00:00 is t(0); a 240 s span takes the 30 s step.
        assert_eq!(
            labels,
            [
                "10:00:30", "10:01:00", "10:01:30", "10:02:00", "10:02:30", "10:03:00", "10:03:30",
                "10:04:00"
            ]
        );
    }
}
