//! The tables of the terminal report: inputs (with errors and skipped records), hosts,
//! captures, netstat snapshots (with alarm connections), clock offsets and alarm gaps.

use super::Terminal;
use super::grid::Grid;
use crate::correlate::{Analysis, InputSummary, NetstatSummary};
use crate::model::Severity;
use crate::report::display::{
    clock_method_label, human_duration, offset_text, or_dash, problem_text, time_source_label,
};
use std::io::Write;

/// Problems listed per input before "… and N more".
const PROBLEMS_SHOWN: usize = 5;

impl Terminal {
    /// INPUTS: one row per input, then errors of inputs not in the table and the first
    /// [`PROBLEMS_SHOWN`] skipped records of each input.
    pub(super) fn inputs(&self, a: &Analysis, out: &mut dyn Write) -> std::io::Result<()> {
        writeln!(out, "INPUTS")?;
        let mut t = Grid::new(&["path", "format", "records", "skipped", "note"])
            .atomic(&[0, 2, 3])
            .cuttable(0);
        for i in &a.inputs {
            t.row(vec![
                self.path(&i.path),
                i.format.to_string(),
                i.records.to_string(),
                i.skipped.to_string(),
                input_note(i),
            ]);
        }
        self.write_grid(&t, out)?;
        for e in a
            .errors
            .iter()
            .filter(|e| !a.inputs.iter().any(|i| i.path == e.path))
        {
            writeln!(
                out,
                "{}",
                self.wrapped(&format!("error: {}", e.error), 2, 2)
            )?;
        }
        for i in a.inputs.iter().filter(|i| !i.problems.is_empty()) {
            writeln!(out, "  skipped in {}:", self.path(&i.path))?;
            for p in i.problems.iter().take(PROBLEMS_SHOWN) {
                writeln!(out, "{}", self.wrapped(&problem_text(p), 4, 2))?;
            }
            if i.problems.len() > PROBLEMS_SHOWN {
                writeln!(out, "    … and {} more", i.problems.len() - PROBLEMS_SHOWN)?;
            }
        }
        Ok(())
    }

    /// HOSTS: one row per host (peak half-open and when, seconds at the limit, counts).
    pub(super) fn hosts(&self, a: &Analysis, out: &mut dyn Write) -> std::io::Result<()> {
        writeln!(out, "\nHOSTS")?;
        let mut t = Grid::new(&[
            "host",
            "addresses",
            "peak half-open (at)",
            "at limit",
            "4226",
            "SYN retx",
            "max SYN_SENT",
        ])
        .atomic(&[0, 3, 4, 5, 6]);
        for h in &a.hosts {
            t.row(vec![
                h.name.clone(),
                h.addresses.join(" "),
                match (h.peak_half_open, h.peak_half_open_at) {
                    (Some(p), Some(t)) => format!("{p} at {}", self.time(t)),
                    (p, _) => or_dash(p),
                },
                human_duration(h.seconds_at_limit),
                h.events.get("4226").copied().unwrap_or(0).to_string(),
                h.syn_retransmissions.to_string(),
                or_dash(h.max_syn_sent),
            ]);
        }
        self.write_grid(&t, out)
    }

    /// CAPTURES: packet and handshake counts per capture; nothing without captures.
    pub(super) fn captures(&self, a: &Analysis, out: &mut dyn Write) -> std::io::Result<()> {
        if a.captures.is_empty() {
            return Ok(());
        }
        writeln!(out, "\nCAPTURES")?;
        let mut t = Grid::new(&[
            "path",
            "packets",
            "SYN",
            "SYN retx",
            "SYN-ACK",
            "RST",
            "estab.",
            "refused",
            "unanswered",
            "open at end",
        ])
        .atomic(&[0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
        .cuttable(0);
        for c in &a.captures {
            let h = &c.handshakes;
            t.row(vec![
                self.path(&c.path),
                c.packets.to_string(),
                c.tcp_syn.to_string(),
                c.syn_retransmissions.to_string(),
                c.syn_ack.to_string(),
                c.rst.to_string(),
                h.established.to_string(),
                h.refused.to_string(),
                h.unanswered.to_string(),
                h.open_at_end.to_string(),
            ]);
        }
        self.write_grid(&t, out)
    }

    /// NETSTAT SNAPSHOTS: one row per snapshot, then its alarm connections; nothing without
    /// snapshots.
    pub(super) fn netstat(&self, a: &Analysis, out: &mut dyn Write) -> std::io::Result<()> {
        if a.netstat.is_empty() {
            return Ok(());
        }
        writeln!(out, "\nNETSTAT SNAPSHOTS")?;
        let mut t = Grid::new(&[
            "path",
            "#",
            "command",
            "time (source)",
            "rows",
            "SYN_SENT",
            "SYN_SENT by PID",
        ])
        .atomic(&[0, 1, 4])
        .cuttable(0);
        for n in &a.netstat {
            let mut row = netstat_row(n, self.time(n.time));
            row[0] = self.path(&n.path);
            t.row(row);
        }
        self.write_grid(&t, out)?;
        for n in &a.netstat {
            self.alarm_connections(n, out)?;
        }
        Ok(())
    }

    /// CLOCK OFFSETS: seconds added to each source's times; nothing without offsets.
    pub(super) fn clock_offsets(&self, a: &Analysis, out: &mut dyn Write) -> std::io::Result<()> {
        if a.clock_offsets.is_empty() {
            return Ok(());
        }
        writeln!(
            out,
            "\nCLOCK OFFSETS (seconds added to each source's times)"
        )?;
        let mut t = Grid::new(&["source", "offset (s)", "anchors", "method"])
            .atomic(&[0, 1, 2])
            .cuttable(0);
        for c in &a.clock_offsets {
            t.row(vec![
                self.path(&c.source),
                offset_text(c.offset_s),
                c.anchors.to_string(),
                clock_method_label(c.method).to_string(),
            ]);
        }
        self.write_grid(&t, out)
    }

    /// ALARM GAPS: one row per gap, its length (seconds) painted as a warning; nothing without
    /// gaps.
    pub(super) fn alarm_gaps(&self, a: &Analysis, out: &mut dyn Write) -> std::io::Result<()> {
        if a.alarm_gaps.is_empty() {
            return Ok(());
        }
        writeln!(out, "\nALARM GAPS")?;
        let mut t = Grid::new(&[
            "client", "provider", "start", "end", "length", "cause", "frame",
        ])
        .atomic(&[0, 1, 2, 3, 4, 6]);
        for g in &a.alarm_gaps {
            t.row_painted(vec![
                (g.client.to_string(), None),
                (g.provider.to_string(), None),
                (self.time(g.start), None),
                (self.time(g.end), None),
                (human_duration(g.seconds), Some(Severity::Warning)),
                (g.cause.clone(), None),
                (g.frame.to_string(), None),
            ]);
        }
        self.write_grid(&t, out)
    }
}

/// The NETSTAT SNAPSHOTS row of `n`.
fn netstat_row(n: &NetstatSummary, time: String) -> Vec<String> {
    let mut pids: Vec<String> = n
        .syn_sent_by_pid
        .iter()
        .map(|(p, c)| format!("{p}:{c}"))
        .collect();
    pids.extend(
        n.syn_sent_by_program
            .iter()
            .map(|(p, c)| format!("{p}:{c}")),
    );
    let limit = if n.limit_exceeded {
        " (over the limit)"
    } else if n.limit_reached {
        " (at the limit)"
    } else {
        ""
    };
    vec![
        n.path.clone(),
        n.snapshot.to_string(),
        n.command.clone().unwrap_or_default(),
        format!("{time} ({})", time_source_label(n.time_source)),
        n.rows.to_string(),
        format!("{}{limit}", n.syn_sent),
        pids.join(" "),
    ]
}

impl Terminal {
    /// The client–provider connections of one snapshot (every row of the provider's machine is in
    /// the JSON `alarm_connections`); nothing when it has none.
    fn alarm_connections(&self, n: &NetstatSummary, out: &mut dyn Write) -> std::io::Result<()> {
        let rows: Vec<_> = n.alarm_connections.iter().filter(|c| c.between).collect();
        if rows.is_empty() {
            return Ok(());
        }
        writeln!(
            out,
            "  alarm connections in {} snapshot {}:",
            self.path(&n.path),
            n.snapshot
        )?;
        for c in rows {
            let line = format!(
                "line {}: {} {} -> {} {} (alarm {} on the {} side){}",
                c.line,
                c.proto,
                c.local,
                c.foreign,
                c.state.as_deref().unwrap_or("-"),
                c.role,
                c.side,
                c.pid.map(|p| format!(", PID {p}")).unwrap_or_default()
            );
            writeln!(out, "{}", self.wrapped(&line, 4, 2))?;
        }
        Ok(())
    }
}

/// The INPUTS note: the whole-file error, else the recovered records and the zone of local times.
fn input_note(i: &InputSummary) -> String {
    if let Some(e) = &i.error {
        return e.clone();
    }
    let mut parts = Vec::new();
    if i.recovered > 0 {
        parts.push(format!(
            "{} records recovered from a chunk cut by the end of the file",
            i.recovered
        ));
    }
    if let Some(z) = &i.time_zone {
        parts.push(format!("local times read in {z}"));
    }
    parts.join("; ")
}
