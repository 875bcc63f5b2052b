//! The top of the terminal report: the one-line header, verdicts, warnings and findings.

use super::Terminal;
use crate::correlate::{Analysis, Finding};
use crate::model::Severity;
use crate::report::display::{culprit_text, zone_note};
use std::io::Write;

/// Unanswered destinations listed per finding before "… and N more".
const UNANSWERED_SHOWN: usize = 8;

impl Terminal {
    /// The first line: counts of inputs, skipped records and findings, and the limit.
    pub(super) fn header(&self, a: &Analysis, out: &mut dyn Write) -> std::io::Result<()> {
        let skipped: u64 = a.inputs.iter().map(|i| i.skipped).sum();
        writeln!(
            out,
            "halfopen report: {} inputs, {} skipped records, {} findings ({}; half-open limit {})\n",
            a.inputs.len(),
            skipped,
            a.findings.len(),
            zone_note(self.tz.as_ref()),
            a.settings.half_open_limit
        )
    }

    /// VERDICTS: one line per verdict with its severity tag; nothing when there are none.
    pub(super) fn verdicts(&self, a: &Analysis, out: &mut dyn Write) -> std::io::Result<()> {
        if a.verdicts.is_empty() {
            return Ok(());
        }
        writeln!(out, "VERDICTS")?;
        for v in &a.verdicts {
            let sev = Severity::from_word(v.severity.as_str());
            let tag = self.paint(sev, &format!("[{}]", v.severity));
            writeln!(out, "  {tag} {}: {}", v.host, self.text(&v.text))?;
        }
        writeln!(out)
    }

    /// One `warning: …` line per analysis warning, then a blank line when there were any.
    pub(super) fn warnings(&self, a: &Analysis, out: &mut dyn Write) -> std::io::Result<()> {
        for w in &a.warnings {
            writeln!(
                out,
                "{}",
                self.paint(Severity::Warning, &format!("warning: {w}"))
            )?;
        }
        if !a.warnings.is_empty() {
            writeln!(out)?;
        }
        Ok(())
    }

    /// FINDINGS: each finding with its summary, culprits, unanswered destinations, evidence and
    /// fix; a "none" line when there are none.
    pub(super) fn findings(&self, a: &Analysis, out: &mut dyn Write) -> std::io::Result<()> {
        writeln!(out, "\nFINDINGS")?;
        if a.findings.is_empty() {
            writeln!(
                out,
                "  none: no host reached the half-open limit and no Event 4226 was found"
            )?;
        }
        for f in &a.findings {
            self.finding(f, out)?;
        }
        Ok(())
    }

    /// One finding of FINDINGS.
    fn finding(&self, f: &Finding, out: &mut dyn Write) -> std::io::Result<()> {
        let tag = self.paint(Severity::of_finding(), &format!("[{}]", f.kind));
        writeln!(
            out,
            "  {tag} {}  {} → {}",
            f.host,
            self.time(f.start),
            self.time(f.end)
        )?;
        writeln!(out, "    {}", self.text(&f.summary))?;
        if !f.culprits.is_empty() {
            let c: Vec<String> = f
                .culprits
                .iter()
                .map(|c| culprit_text(c.pid, c.syn_sent))
                .collect();
            writeln!(out, "    culprit processes: {}", c.join(", "))?;
        }
        if !f.unanswered_destinations.is_empty() {
            let shown: Vec<&str> = f
                .unanswered_destinations
                .iter()
                .take(UNANSWERED_SHOWN)
                .map(String::as_str)
                .collect();
            let more = f.unanswered_destinations.len().saturating_sub(shown.len());
            let more = if more > 0 {
                format!(" … and {more} more")
            } else {
                String::new()
            };
            writeln!(out, "    never answered: {}{more}", shown.join(", "))?;
        }
        writeln!(out, "    evidence:")?;
        for e in &f.evidence {
            writeln!(
                out,
                "      {}  {}  {}  ({}, {})",
                self.time(e.time),
                e.kind,
                self.text(&e.message),
                e.source.path.display(),
                e.source.locator
            )?;
        }
        writeln!(out, "    fix: {}", f.resolution)
    }
}
