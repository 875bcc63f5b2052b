//! Chart geometry: the fixed layout in SVG user units, the time (x) and count (y) scales, the
//! axis ticks and the SVG path of a half-open step line. Coordinates are formatted with one
//! decimal ([`f1`]).

use crate::model::UtcTime;
use serde::Serialize;

/// Chart width in SVG user units (the SVG scales to the page width).
pub(super) const WIDTH: f64 = 960.0;
/// Chart height in SVG user units.
pub(super) const HEIGHT: f64 = 262.0;
/// Left edge of the plot area of the step line.
pub(super) const PLOT_LEFT: f64 = 52.0;
/// Right edge of the plot area.
pub(super) const PLOT_RIGHT: f64 = 944.0;
/// Top of the plot area (the largest count).
pub(super) const PLOT_TOP: f64 = 14.0;
/// Bottom of the plot area (count 0).
pub(super) const PLOT_BOTTOM: f64 = 178.0;
/// Top of the SYN-retransmission density band under the plot.
pub(super) const DENSITY_TOP: f64 = 196.0;
/// Bottom of the density band.
pub(super) const DENSITY_BOTTOM: f64 = 226.0;
/// Width of one density bin.
pub(super) const DENSITY_BIN_PX: f64 = 8.0;
/// Where the time labels sit.
pub(super) const AXIS_LABEL_Y: f64 = 244.0;

/// Tick steps in seconds, from 1 s to 30 days.
const TICK_STEPS_S: [i64; 22] = [
    1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400,
    172800, 604800, 1209600, 2592000,
];

/// Count steps of the y axis: the smallest giving at most 6 ticks is used.
const Y_STEPS: [f64; 10] = [1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1000.0];

/// An axis tick at `pos` (x or y, SVG user units) with its label.
#[derive(Debug, Clone, Serialize)]
pub struct Tick {
    /// The x (time axis) or y (count axis) of the tick, one decimal.
    pub pos: String,
    /// `HH:MM:SS` (UTC) under a day, `MM-DD HH:MM` above; the count on the y axis.
    pub label: String,
}

/// `v` with one decimal: the format of every coordinate.
pub(super) fn f1(v: f64) -> String {
    format!("{v:.1}")
}

/// Maps instants (ns since the Unix epoch, UTC) to x between [`PLOT_LEFT`] and [`PLOT_RIGHT`].
#[derive(Debug, Clone, Copy)]
pub(super) struct XScale {
    /// The instant at [`PLOT_LEFT`].
    pub(super) t0: i64,
    /// The instant at [`PLOT_RIGHT`].
    pub(super) t1: i64,
}

impl XScale {
    /// The x of `t`, clamped to the plot area.
    pub(super) fn x(&self, t: UtcTime) -> f64 {
        let span = (self.t1 as i128 - self.t0 as i128).max(1) as f64;
        let frac = (t.unix_nanos() as i128 - self.t0 as i128) as f64 / span;
        PLOT_LEFT + frac.clamp(0.0, 1.0) * (PLOT_RIGHT - PLOT_LEFT)
    }

    /// The instant at x `px` (the inverse of [`XScale::x`] inside the plot area).
    pub(super) fn at(&self, px: f64) -> UtcTime {
        let ns_per_px = (self.t1 as i128 - self.t0 as i128) as f64 / (PLOT_RIGHT - PLOT_LEFT);
        UtcTime::from_unix_nanos(
            self.t0
                .saturating_add(((px - PLOT_LEFT) * ns_per_px) as i64),
            0,
        )
    }
}

/// Maps counts to y between [`PLOT_BOTTOM`] (0) and [`PLOT_TOP`] (`max`).
pub(super) fn y_of(count: f64, max: f64) -> f64 {
    PLOT_BOTTOM - (count / max.max(1.0)).clamp(0.0, 1.0) * (PLOT_BOTTOM - PLOT_TOP)
}

/// Count ticks from 0 to `ymax` at the smallest step of [`Y_STEPS`] giving at most 6 steps.
pub(super) fn y_ticks(ymax: f64) -> Vec<Tick> {
    let y_step = Y_STEPS
        .into_iter()
        .find(|s| ymax / s <= 6.0)
        .unwrap_or(ymax);
    let mut ticks = Vec::new();
    let mut v = 0.0;
    while v <= ymax {
        ticks.push(Tick {
            pos: f1(y_of(v, ymax)),
            label: format!("{v}"),
        });
        v += y_step;
    }
    ticks
}

/// Time ticks: the smallest step from [`TICK_STEPS_S`] giving at most 8 ticks, at whole
/// multiples of the step (UTC).
pub(super) fn x_ticks(scale: XScale) -> Vec<Tick> {
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

/// One x column of the step path: its x, and the lowest, highest and last count in it.
type Column = (String, u32, u32, u32);

/// Appends the moves of column `c` to `d`: to its x, then to its lowest, highest and last
/// count (each only when it differs from the previous one, tracked in `prev`).
fn flush(d: &mut String, c: &Column, prev: &mut u32, ymax: f64) {
    let (x, lo, hi, last) = c;
    d.push_str(&format!("H{x}"));
    for v in [*lo, *hi, *last] {
        if v != *prev {
            d.push_str(&format!("V{}", f1(y_of(f64::from(v), ymax))));
            *prev = v;
        }
    }
}

/// The step path of `series` (sorted by time), at most three vertical moves per x column.
pub(super) fn step_path(series: &[(UtcTime, u32)], scale: XScale, ymax: f64) -> String {
    let mut d = format!("M{},{}", f1(PLOT_LEFT), f1(y_of(0.0, ymax)));
    let mut col: Option<Column> = None;
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
                    flush(&mut d, &c0, &mut prev, ymax);
                }
                col = Some((x, c, c, c));
            }
        }
    }
    if let Some(c0) = col.take() {
        // Order within the column: go to the extreme first so the last value stays last.
        flush(&mut d, &c0, &mut prev, ymax);
    }
    d.push_str(&format!("H{}", f1(PLOT_RIGHT)));
    d
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
