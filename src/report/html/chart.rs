//! One host's chart: the half-open step line against the limit, Event 4226 markers, limit-reached
//! points, netstat snapshots, alarm gap bands and the SYN-retransmission density band, all on one
//! UTC time axis ([`scale`](super::scale)).

use super::scale::{
    AXIS_LABEL_Y, DENSITY_BIN_PX, DENSITY_BOTTOM, DENSITY_TOP, HEIGHT, PLOT_BOTTOM, PLOT_LEFT,
    PLOT_RIGHT, PLOT_TOP, Tick, WIDTH, XScale, f1, step_path, x_ticks, y_of, y_ticks,
};
use crate::analysis::alarm::AlarmGap;
use crate::correlate::{Analysis, HostSummary, NetstatSummary};
use crate::model::{EntryKind, NamedTz, TimelineEntry, UtcTime};
use crate::report::display::{human_duration, human_text, human_time, or_dash, source_text};
use serde::Serialize;

/// A point-like mark at `x` (and `y` where it has one); `info` is shown on hover, `entry` is
/// the id of its timeline row (empty when none).
#[derive(Debug, Clone, Serialize)]
pub struct Mark {
    /// SVG x, one decimal.
    pub x: String,
    /// SVG y, one decimal.
    pub y: String,
    /// The hover text: time, kind, message and source.
    pub info: String,
    /// The [`Row::id`](super::Row::id) of its timeline row, empty when none.
    pub entry: String,
}

/// A rectangle from `x` of width `w`, from `y` of height `h` (alarm gap bands, density bars),
/// in SVG user units with one decimal.
#[derive(Debug, Clone, Serialize)]
pub struct Band {
    /// Left edge.
    pub x: String,
    /// Width.
    pub w: String,
    /// Top edge.
    pub y: String,
    /// Height.
    pub h: String,
    /// The hover text.
    pub info: String,
    /// The alarm client of a gap band (its lane), empty for density bars.
    pub client: String,
}

/// One host's chart. Sizes and positions are SVG user units; `from`/`to` are RFC 3339 UTC, the
/// hover texts use the report's time style.
#[derive(Debug, Clone, Serialize)]
pub struct Chart {
    /// The host name.
    pub host: String,
    /// HTML id (`chart-0`, …).
    pub id: String,
    /// The SVG width.
    pub width: f64,
    /// The SVG height.
    pub height: f64,
    /// Left edge of the plot area.
    pub left: f64,
    /// Right edge of the plot area.
    pub right: f64,
    /// Top of the plot area.
    pub top: f64,
    /// Bottom of the plot area (count 0).
    pub bottom: f64,
    /// Top of the density band.
    pub density_top: f64,
    /// Bottom of the density band.
    pub density_bottom: f64,
    /// Where the time labels sit.
    pub axis_label_y: f64,
    /// The SVG path `d` of the half-open step line; empty when the host has no series.
    pub step_path: String,
    /// The y of the limit line.
    pub limit_y: String,
    /// `limit N`.
    pub limit_label: String,
    /// Count ticks.
    pub y_ticks: Vec<Tick>,
    /// Time ticks.
    pub x_ticks: Vec<Tick>,
    /// The first instant of the x axis.
    pub from: String,
    /// The last instant of the x axis.
    pub to: String,
    /// The x axis title: `time axis in UTC, FROM → TO`.
    pub axis_caption: String,
    /// The y axis title with its unit.
    pub y_title: String,
    /// The title and scale of the SYN-retransmission strip: the bin length and the busiest
    /// bin's count (the strip's full height).
    pub density_title: String,
    /// Event 4226 markers (at the top of the plot).
    pub marks_4226: Vec<Mark>,
    /// Where the host reached the limit (on the limit line).
    pub marks_limit: Vec<Mark>,
    /// Netstat snapshots at their SYN_SENT count.
    pub netstat_points: Vec<Mark>,
    /// Alarm gaps, one horizontal lane per alarm client.
    pub gap_bands: Vec<Band>,
    /// SYN retransmissions per 8-unit bin, scaled to the busiest bin; one lane per alarm client
    /// for gap bands.
    pub density_bars: Vec<Band>,
    /// The peak half-open count, `-` without a series.
    pub peak: String,
    /// SYN retransmissions of the host in the chart.
    pub syn_retransmissions: u64,
    /// Whether the host has a half-open series (else the chart says so).
    pub has_series: bool,
}

/// The facts of one host that its chart draws.
struct HostFacts<'a> {
    /// Its timeline entries with their timeline index, without boots and shutdowns.
    entries: Vec<(usize, &'a TimelineEntry)>,
    /// Its half-open series (time, count), empty when none.
    series: &'a [(UtcTime, u32)],
    /// Alarm gaps with one of its addresses as client or provider.
    gaps: Vec<&'a AlarmGap>,
    /// Its netstat snapshots.
    netstat: Vec<&'a NetstatSummary>,
    /// The zone of the times in hover texts (UTC when `None`).
    tz: Option<&'a NamedTz>,
}

/// Kinds that mark a host's life (boot, shutdown), not the incident: left out of the chart's
/// time range so a boot hours earlier does not squash the incident into a few pixels.
fn charted(kind: EntryKind) -> bool {
    !matches!(
        kind,
        EntryKind::Boot | EntryKind::Shutdown | EntryKind::UnexpectedShutdown
    )
}

impl<'a> HostFacts<'a> {
    /// The facts of `h` in `a`.
    fn of(a: &'a Analysis, h: &'a HostSummary, tz: Option<&'a NamedTz>) -> HostFacts<'a> {
        let is_host = |host: Option<&str>| host == Some(h.name.as_str());
        HostFacts {
            entries: a
                .timeline
                .iter()
                .enumerate()
                .filter(|(_, e)| is_host(e.host.as_deref()) && charted(e.kind))
                .collect(),
            series: h.half_open_series.as_deref().unwrap_or(&[]),
            gaps: a
                .alarm_gaps
                .iter()
                .filter(|g| {
                    h.addresses
                        .iter()
                        .any(|ad| *ad == g.client.to_string() || *ad == g.provider.to_string())
                })
                .collect(),
            netstat: a
                .netstat
                .iter()
                .filter(|n| is_host(n.host.as_deref()))
                .collect(),
            tz,
        }
    }

    /// The time axis: every fact, at least a minute wide, padded by 2 % on each side; `None`
    /// when there is nothing timed.
    fn x_scale(&self) -> Option<XScale> {
        let times = self
            .series
            .iter()
            .map(|p| p.0)
            .chain(self.entries.iter().map(|(_, e)| e.time))
            .chain(self.gaps.iter().flat_map(|g| [g.start, g.end]))
            .chain(self.netstat.iter().map(|n| n.time));
        let (mut t0, mut t1) = times.fold(None, |acc: Option<(i64, i64)>, t| {
            let n = t.unix_nanos();
            Some(acc.map_or((n, n), |(lo, hi)| (lo.min(n), hi.max(n))))
        })?;
        if t1.saturating_sub(t0) < 1_000_000_000 {
            t0 = t0.saturating_sub(30_000_000_000);
            t1 = t1.saturating_add(30_000_000_000);
        }
        let pad = (t1.saturating_sub(t0)) / 50;
        Some(XScale {
            t0: t0.saturating_sub(pad),
            t1: t1.saturating_add(pad),
        })
    }

    /// The count at the top of the plot: the largest of the limit, the peak and the netstat
    /// SYN_SENT counts, plus a tenth (at least 1).
    fn y_max(&self, limit: u32, peak: Option<u32>) -> f64 {
        let top_netstat = self.netstat.iter().map(|n| n.syn_sent).max().unwrap_or(0);
        let top = u64::from(limit.max(peak.unwrap_or(0))).max(top_netstat) as f64;
        top + (top / 10.0).ceil().max(1.0)
    }

    /// A mark at height `y` for each entry of `kind`.
    fn marks(&self, kind: EntryKind, scale: XScale, y: f64) -> Vec<Mark> {
        self.entries
            .iter()
            .filter(|(_, e)| e.kind == kind)
            .map(|(i, e)| Mark {
                x: f1(scale.x(e.time)),
                y: f1(y),
                info: format!(
                    "{}  {}  {}  ({})",
                    human_time(e.time, self.tz),
                    e.kind,
                    human_text(&e.message, self.tz),
                    source_text(&e.source)
                ),
                entry: format!("e{i}"),
            })
            .collect()
    }

    /// One point per netstat snapshot at its SYN_SENT count, linked to its timeline entry.
    fn netstat_points(&self, a: &Analysis, scale: XScale, ymax: f64) -> Vec<Mark> {
        self.netstat
            .iter()
            .map(|n| Mark {
                x: f1(scale.x(n.time)),
                y: f1(y_of(n.syn_sent as f64, ymax)),
                info: format!(
                    "{}  netstat snapshot {} ({}): {} rows, {} SYN_SENT  ({} line {})",
                    human_time(n.time, self.tz),
                    n.snapshot,
                    n.command.as_deref().unwrap_or("netstat"),
                    n.rows,
                    n.syn_sent,
                    n.path,
                    n.line
                ),
                entry: snapshot_entry(a, n),
            })
            .collect()
    }

    /// One band per alarm gap (at least 1 wide), in one horizontal lane per alarm client so
    /// that overlapping gaps of different clients stay visible.
    fn gap_bands(&self, scale: XScale) -> Vec<Band> {
        let clients: std::collections::BTreeSet<String> =
            self.gaps.iter().map(|g| g.client.to_string()).collect();
        let lane_h = (PLOT_BOTTOM - PLOT_TOP) / clients.len().max(1) as f64;
        self.gaps
            .iter()
            .map(|g| {
                let x0 = scale.x(g.start);
                let x1 = scale.x(g.end);
                let client = g.client.to_string();
                let lane = clients.iter().position(|c| *c == client).unwrap_or(0);
                Band {
                    x: f1(x0),
                    w: f1((x1 - x0).max(1.0)),
                    y: f1(PLOT_TOP + lane as f64 * lane_h),
                    h: f1(lane_h),
                    client,
                    info: format!(
                        "alarm gap {} → {}: client {} / provider {}, {} ({}), frame {}",
                        human_time(g.start, self.tz),
                        human_time(g.end, self.tz),
                        g.client,
                        g.provider,
                        human_duration(g.seconds),
                        g.cause,
                        g.frame
                    ),
                }
            })
            .collect()
    }

    /// The SYN-retransmission density bars (bins of [`DENSITY_BIN_PX`], empty bins left out),
    /// the number of retransmissions and the count of the busiest bin.
    fn density(&self, scale: XScale) -> (Vec<Band>, u64, u64) {
        let bins = ((PLOT_RIGHT - PLOT_LEFT) / DENSITY_BIN_PX).floor() as usize;
        let mut counts = vec![0u64; bins.max(1)];
        let mut syn_retransmissions = 0;
        for (_, e) in self
            .entries
            .iter()
            .filter(|(_, e)| e.kind == EntryKind::SynRetransmission)
        {
            let b = ((scale.x(e.time) - PLOT_LEFT) / DENSITY_BIN_PX) as usize;
            if let Some(c) = counts.get_mut(b.min(bins.saturating_sub(1))) {
                *c += 1;
            }
            syn_retransmissions += 1;
        }
        let busiest = counts.iter().copied().max().unwrap_or(0);
        let most = busiest.max(1) as f64;
        let bars = counts
            .iter()
            .enumerate()
            .filter(|(_, c)| **c > 0)
            .map(|(b, &c)| {
                let x = PLOT_LEFT + b as f64 * DENSITY_BIN_PX;
                let h = (c as f64 / most * (DENSITY_BOTTOM - DENSITY_TOP)).max(1.0);
                Band {
                    x: f1(x),
                    w: f1(DENSITY_BIN_PX - 1.0),
                    y: f1(DENSITY_BOTTOM - h),
                    h: f1(h),
                    info: format!(
                        "{c} SYN retransmissions between {} and {}",
                        human_time(scale.at(x), self.tz),
                        human_time(scale.at(x + DENSITY_BIN_PX), self.tz)
                    ),
                    client: String::new(),
                }
            })
            .collect();
        (bars, syn_retransmissions, busiest)
    }
}

/// The id of the timeline row of snapshot `n` (`e…`), empty when there is none.
fn snapshot_entry(a: &Analysis, n: &NetstatSummary) -> String {
    let prefix = format!("snapshot {} ", n.snapshot);
    a.timeline
        .iter()
        .position(|e| {
            e.kind == EntryKind::NetstatSnapshot
                && e.source.path.display().to_string() == n.path
                && e.time == n.time
                && e.source.locator.to_string().starts_with(&prefix)
        })
        .map(|i| format!("e{i}"))
        .unwrap_or_default()
}

impl Chart {
    /// The chart of host `h` (the `index`th chart of the page), or `None` when it has no
    /// half-open series (the page names such hosts in one line instead).
    pub(super) fn new(
        a: &Analysis,
        h: &HostSummary,
        index: usize,
        tz: Option<&NamedTz>,
    ) -> Option<Chart> {
        let facts = HostFacts::of(a, h, tz);
        if facts.series.is_empty() {
            return None;
        }
        let scale = facts.x_scale()?;
        let limit = a.settings.half_open_limit;
        let peak = facts.series.iter().map(|p| p.1).max();
        let ymax = facts.y_max(limit, peak);
        let limit_y = y_of(f64::from(limit), ymax);
        let (density_bars, syn_retransmissions, busiest) = facts.density(scale);
        let bin_s =
            (scale.t1 as f64 - scale.t0 as f64) / 1e9 * DENSITY_BIN_PX / (PLOT_RIGHT - PLOT_LEFT);
        let from = UtcTime::from_unix_nanos(scale.t0, 0);
        let to = UtcTime::from_unix_nanos(scale.t1, 0);
        let has_series = !facts.series.is_empty();
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
            step_path: if has_series {
                step_path(facts.series, scale, ymax)
            } else {
                String::new()
            },
            limit_y: f1(limit_y),
            limit_label: format!("limit {limit}"),
            y_ticks: y_ticks(ymax),
            x_ticks: x_ticks(scale),
            axis_caption: format!(
                "time axis in UTC, {} → {}",
                human_time(from, tz),
                human_time(to, tz)
            ),
            y_title: "half-open connections (count)".to_string(),
            density_title: format!(
                "SYN retransmissions per {} (bar height: count, top = {busiest})",
                human_duration(bin_s)
            ),
            from: from.to_string(),
            to: to.to_string(),
            marks_4226: facts.marks(EntryKind::Tcpip4226, scale, PLOT_TOP),
            marks_limit: facts.marks(EntryKind::HalfOpenLimitReached, scale, limit_y),
            netstat_points: facts.netstat_points(a, scale, ymax),
            gap_bands: facts.gap_bands(scale),
            density_bars,
            peak: or_dash(peak),
            syn_retransmissions,
            has_series,
        })
    }
}
