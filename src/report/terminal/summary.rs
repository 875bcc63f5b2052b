//! The top of the terminal report: the header, verdicts, warnings and findings, each claim on its
//! own line, wrapped to the width.

use super::Terminal;
use crate::correlate::{Analysis, Finding};
use crate::model::{Severity, VerdictSeverity};
use crate::report::display::{
    culprit_text, finding_label, kind_label, plural, quiet_hosts, zone_note,
};
use std::io::Write;

/// Unanswered destinations listed per finding before "… and N more".
const UNANSWERED_SHOWN: usize = 8;

/// The claims of a verdict or summary: its sentences (split after `. ` before a capital letter),
/// or its `; `-separated parts when `parts` is set.
pub(super) fn claims(text: &str, parts: bool) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        let after = chars.get(i + 2).copied();
        if c == '.' && next == Some(' ') && after.is_some_and(char::is_uppercase) {
            cur.push('.');
            out.push(std::mem::take(&mut cur));
            i += 2;
            continue;
        }
        if parts && c == ';' && next == Some(' ') {
            cur.push(';');
            out.push(std::mem::take(&mut cur));
            i += 2;
            continue;
        }
        cur.push(c);
        i += 1;
    }
    if !cur.trim().is_empty() {
        out.push(cur);
    }
    out
}

impl Terminal {
    /// The first lines: counts of inputs, skipped records and findings, the zone of the times,
    /// the limit, and the folder paths are relative to.
    pub(super) fn header(&self, a: &Analysis, out: &mut dyn Write) -> std::io::Result<()> {
        let skipped: u64 = a.inputs.iter().map(|i| i.skipped).sum();
        let line = format!(
            "halfopen report: {}, {}, {} ({}; half-open limit {})",
            plural(a.inputs.len() as u64, "input"),
            plural(skipped, "skipped record"),
            plural(a.findings.len() as u64, "finding"),
            zone_note(self.tz.as_ref()),
            a.settings.half_open_limit
        );
        writeln!(out, "{}", self.wrapped(&line, 0, 2))?;
        if let Some(b) = &self.base {
            let line = format!("paths are relative to {}", b.display());
            writeln!(out, "{}", self.wrapped(&line, 0, 2))?;
        }
        writeln!(out)
    }

    /// VERDICTS: per verdict its severity tag and host, then one claim per line; nothing when
    /// there are none.
    pub(super) fn verdicts(&self, a: &Analysis, out: &mut dyn Write) -> std::io::Result<()> {
        if a.verdicts.is_empty() {
            return Ok(());
        }
        writeln!(out, "VERDICTS")?;
        let (ok, rest): (Vec<_>, Vec<_>) = a
            .verdicts
            .iter()
            .partition(|v| v.severity == VerdictSeverity::Ok);
        for v in rest.iter().copied() {
            let sev = Severity::from_word(v.severity.as_str());
            let tag = self.paint(sev, &format!("[{}]", v.severity.as_str().replace('_', " ")));
            let text = self.text(&v.text);
            let claims = claims(&text, false);
            if v.host.is_empty() {
                let line = format!("{tag} {text}");
                writeln!(out, "{}", self.wrapped(&line, 2, 4))?;
                continue;
            }
            if claims.len() <= 1 {
                let line = format!("{tag} {}: {text}", v.host);
                writeln!(out, "{}", self.wrapped(&line, 2, 2))?;
                continue;
            }
            writeln!(out, "  {tag} {}", v.host)?;
            for c in claims {
                writeln!(out, "{}", self.wrapped(&c, 4, 2))?;
            }
        }
        if !ok.is_empty() {
            let names: Vec<&str> = ok.iter().map(|v| v.host.as_str()).collect();
            let tag = self.paint(Severity::Ok, "[ok]");
            let line = format!("{tag} {}", quiet_hosts(&names, !rest.is_empty()));
            writeln!(out, "{}", self.wrapped(&line, 2, 4))?;
        }
        writeln!(out)
    }

    /// One `warning: …` line per analysis warning, then a blank line when there were any.
    pub(super) fn warnings(&self, a: &Analysis, out: &mut dyn Write) -> std::io::Result<()> {
        for w in &a.warnings {
            let text = self.wrapped(&format!("warning: {}", self.text(&self.relative(w))), 0, 2);
            writeln!(out, "{}", self.paint(Severity::Warning, &text))?;
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
        if !a.evidence_recognised {
            writeln!(out, "  none: nothing was read (see the verdict)")?;
        } else if a.findings.is_empty() {
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
        let tag = self.paint(
            Severity::of_finding(),
            &format!("[{}]", finding_label(f.kind)),
        );
        let when = if f.start == f.end {
            self.time(f.start)
        } else {
            format!("{} → {}", self.time(f.start), self.time(f.end))
        };
        writeln!(
            out,
            "{}",
            self.wrapped(&format!("{tag} {}  {when}", f.host), 2, 4)
        )?;
        for c in claims(&self.text(&f.summary), true) {
            writeln!(out, "{}", self.wrapped(&c, 4, 2))?;
        }
        if f.episodes.len() > 1 {
            writeln!(out, "    episodes:")?;
            for e in &f.episodes {
                let when = if e.start == e.end {
                    self.time(e.start)
                } else {
                    format!("{} → {}", self.time(e.start), self.time(e.end))
                };
                let line = format!("{when} · {}", self.text(&e.summary));
                writeln!(out, "{}", self.wrapped(&line, 6, 2))?;
            }
        }
        if !f.culprits.is_empty() {
            let c: Vec<String> = f
                .culprits
                .iter()
                .map(|c| culprit_text(c.pid, c.syn_sent))
                .collect();
            let line = format!("culprit processes: {}", c.join(", "));
            writeln!(out, "{}", self.wrapped(&line, 4, 2))?;
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
            let line = format!("never answered: {}{more}", shown.join(", "));
            writeln!(out, "{}", self.wrapped(&line, 4, 2))?;
        }
        writeln!(out, "    evidence:")?;
        for e in &f.evidence {
            let line = format!(
                "{} · {}: {} ({}, {})",
                self.time(e.time),
                kind_label(e.kind),
                self.text(&e.message),
                self.path(&e.source.path.display().to_string()),
                e.source.locator
            );
            writeln!(out, "{}", self.wrapped(&line, 6, 2))?;
        }
        writeln!(
            out,
            "{}",
            self.wrapped(&format!("fix: {}", f.resolution), 4, 2)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::claims;

    #[test]
    fn claims_split_at_sentences_and_parts() {
        let v =
            "Reached at 2026-03-14 10:02:13.000 UTC (Event 4226). From A to B it had 10. Fix: x.";
        assert_eq!(
            claims(v, false),
            [
                "Reached at 2026-03-14 10:02:13.000 UTC (Event 4226).",
                "From A to B it had 10.",
                "Fix: x."
            ]
        );
        assert_eq!(claims("a; b (1.5 s); c", true), ["a;", "b (1.5 s);", "c"]);
    }
}
