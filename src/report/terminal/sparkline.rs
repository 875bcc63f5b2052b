//! The sparklines under HOSTS: one line of block characters per host with a half-open series,
//! scaled to the larger of the limit and the host's peak, runs at the limit painted critical.

use super::Terminal;
use crate::correlate::{Analysis, HostSummary};
use crate::model::UtcTime;
use std::io::Write;

/// Most cells of a host's sparkline.
const SPARK_CELLS: usize = 60;

/// The largest value of the step series `series` (time, count; sorted by time) in each of `n`
/// equal time buckets from its first to its last point. A bucket's value counts the level
/// carried in from before it. Empty when the series is empty or `n` is 0.
pub fn bucket_max(series: &[(UtcTime, u32)], n: usize) -> Vec<u32> {
    let (Some(first), Some(last)) = (series.first(), series.last()) else {
        return Vec::new();
    };
    if n == 0 {
        return Vec::new();
    }
    let t0 = first.0.unix_nanos() as i128;
    let span = (last.0.unix_nanos() as i128 - t0).max(1);
    let mut out = vec![0u32; n];
    let mut level = 0u32;
    let mut i = 0;
    for (b, cell) in out.iter_mut().enumerate() {
        let end = t0 + span * (b as i128 + 1) / n as i128;
        let mut m = level;
        while let Some(&(t, c)) = series.get(i) {
            let t = t.unix_nanos() as i128;
            if t >= end && b + 1 < n {
                break;
            }
            m = m.max(c);
            level = c;
            i += 1;
        }
        *cell = m;
    }
    out
}

/// One sparkline character per bucket: `' '` for 0, then `▁`…`█` up to `top` (values above
/// `top` print `█`).
pub fn sparkline(buckets: &[u32], top: u32) -> String {
    const BARS: [char; 9] = [' ', '▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let top = top.max(1) as u64;
    buckets
        .iter()
        .map(|&v| {
            let i = (u64::from(v) * 8).div_ceil(top).min(8) as usize;
            BARS.get(i).copied().unwrap_or('█')
        })
        .collect()
}

impl Terminal {
    /// One line per host with a half-open series: the sparkline (scaled to the larger of the
    /// limit and the peak), the peak, and the time span it covers. Nothing when no host has a
    /// series.
    pub(super) fn sparklines(&self, a: &Analysis, out: &mut dyn Write) -> std::io::Result<()> {
        let limit = a.settings.half_open_limit;
        let with_series: Vec<(&HostSummary, &Vec<(UtcTime, u32)>)> = a
            .hosts
            .iter()
            .filter_map(|h| h.half_open_series.as_ref().map(|s| (h, s)))
            .filter(|(_, s)| !s.is_empty())
            .collect();
        if with_series.is_empty() {
            return Ok(());
        }
        let name_w = with_series
            .iter()
            .map(|(h, _)| h.name.chars().count())
            .max()
            .unwrap_or(0);
        // Two spaces, the name, two spaces, the bars between │…│; the peak and span follow on
        // the same line when they fit, else on the next.
        let cells = self
            .width
            .map(|w| {
                usize::from(w)
                    .saturating_sub(name_w + 6)
                    .clamp(10, SPARK_CELLS)
            })
            .unwrap_or(SPARK_CELLS);
        writeln!(
            out,
            "  half-open connections over time (█ = limit {limit}):"
        )?;
        for (h, series) in with_series {
            let (first, last) = match (series.first(), series.last()) {
                (Some(f), Some(l)) => (f.0, l.0),
                _ => continue,
            };
            let peak = series.iter().map(|p| p.1).max().unwrap_or(0);
            let tail = format!("peak {peak}, {} → {}", self.time(first), self.time(last));
            let room = self.width.map_or(usize::MAX, usize::from);
            let bars = if name_w + 6 + cells + 1 + tail.chars().count() <= room {
                cells
            } else {
                cells
                    .min(room.saturating_sub(name_w + 7 + tail.chars().count()))
                    .max(10)
            };
            let line = self.spark_line(series, bars, limit, peak);
            if name_w + 7 + bars + tail.chars().count() <= room {
                writeln!(out, "  {:name_w$}  │{line}│ {tail}", h.name)?;
            } else {
                writeln!(out, "  {:name_w$}  │{line}│", h.name)?;
                writeln!(out, "{}", self.wrapped(&tail, 4, 2))?;
            }
        }
        Ok(())
    }

    /// The bars of one series in `cells` buckets; runs at or above `limit` are painted critical,
    /// one escape sequence per run.
    fn spark_line(&self, series: &[(UtcTime, u32)], cells: usize, limit: u32, peak: u32) -> String {
        let buckets = bucket_max(series, cells);
        let top = limit.max(peak);
        let mut line = String::new();
        let mut run = String::new();
        let mut run_at_limit = false;
        for (b, ch) in buckets.iter().zip(sparkline(&buckets, top).chars()) {
            let at_limit = *b >= limit;
            if at_limit != run_at_limit && !run.is_empty() {
                line.push_str(&self.paint_if(run_at_limit, &run));
                run.clear();
            }
            run_at_limit = at_limit;
            run.push(ch);
        }
        line.push_str(&self.paint_if(run_at_limit, &run));
        line
    }
}
