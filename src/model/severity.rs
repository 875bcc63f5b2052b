//! How alarming a fact is: the one place that decides which timeline kinds and verdict words are
//! critical, warnings or plain. Renderers only map a [`Severity`] to a colour or a CSS class.

use super::EntryKind;

/// How alarming something is, from most to least: the words of a verdict's `severity`
/// (`critical`, `warning`, `info`, `ok`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// The half-open limit was hit, or ports ran out: the incident itself.
    Critical,
    /// A symptom or a near miss: retries, failed connects, alarm gaps, unexpected shutdowns.
    Warning,
    /// Worth knowing, nothing wrong.
    Info,
    /// Checked and fine.
    Ok,
}

impl Severity {
    /// The severity of a verdict word (`critical`, `warning`, `info`, `ok`; `no_evidence` is a
    /// warning); unknown words are [`Severity::Info`].
    pub fn from_word(w: &str) -> Severity {
        match w {
            "critical" => Severity::Critical,
            "warning" | "no_evidence" => Severity::Warning,
            "ok" => Severity::Ok,
            _ => Severity::Info,
        }
    }

    /// The severity of a timeline entry of `kind`, `None` for plain entries: the limit itself
    /// (4226, limit reached) and port exhaustion (4231, 4266) are critical; retries, failed
    /// connects, alarm gaps, unexpected shutdowns and TIME_WAIT collisions (4227) are warnings;
    /// the rest (boots, clean shutdowns, peaks, netstat snapshots, the ends of gaps and episodes) is
    /// plain.
    pub fn of_entry(kind: EntryKind) -> Option<Severity> {
        match kind {
            EntryKind::Tcpip4226
            | EntryKind::HalfOpenLimitReached
            | EntryKind::Tcpip4231
            | EntryKind::Tcpip4266 => Some(Severity::Critical),
            EntryKind::SynRetransmission
            | EntryKind::ConnectUnanswered
            | EntryKind::ConnectRefused
            | EntryKind::AlarmGap
            | EntryKind::UnexpectedShutdown
            | EntryKind::Tcpip4227 => Some(Severity::Warning),
            EntryKind::Boot
            | EntryKind::Shutdown
            | EntryKind::HalfOpenPeak
            | EntryKind::NetstatSnapshot
            | EntryKind::AlarmGapEnd
            | EntryKind::HalfOpenLimitReleased
            | EntryKind::FindingEnd
            | EntryKind::Connection => None,
        }
    }

    /// Every finding is critical: a finding is a host that reached the half-open limit or logged
    /// Event 4226.
    pub fn of_finding() -> Severity {
        Severity::Critical
    }

    /// The lowercase word: `critical`, `warning`, `info`, `ok`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::Warning => "warning",
            Severity::Info => "info",
            Severity::Ok => "ok",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_round_trip_and_unknown_words_are_info() {
        for s in [
            Severity::Critical,
            Severity::Warning,
            Severity::Info,
            Severity::Ok,
        ] {
            assert_eq!(Severity::from_word(s.as_str()), s);
        }
        assert_eq!(Severity::from_word("bogus"), Severity::Info);
    }

    #[test]
    fn the_limit_is_critical_and_retries_are_warnings() {
        assert_eq!(
            Severity::of_entry(EntryKind::Tcpip4226),
            Some(Severity::Critical)
        );
        assert_eq!(
            Severity::of_entry(EntryKind::SynRetransmission),
            Some(Severity::Warning)
        );
        assert_eq!(Severity::of_entry(EntryKind::Boot), None);
    }
}
