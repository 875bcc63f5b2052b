//! The closed vocabularies of a correlation result: what a finding is about ([`FindingKind`]),
//! how sure it is ([`Confidence`]), how alarming a host's verdict is ([`VerdictSeverity`]) and how
//! a source's clock offset was found ([`ClockMethod`]).
//!
//! Each serialises (JSON, CSV) to exactly its [`as_str`](FindingKind::as_str) word, and `Display`
//! prints the same word, so renderers never spell the words themselves. Its JSON Schema
//! ([`schemars::JsonSchema`]) is a string `enum` of the words of every value in `ALL`.

use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::{Serialize, Serializer};
use std::borrow::Cow;
use std::fmt;

/// The JSON Schema of a word type: `{"type": "string", "enum": [the words]}`, with `description`.
pub(crate) fn word_schema(
    description: &str,
    words: impl IntoIterator<Item = &'static str>,
) -> Schema {
    let words: Vec<&str> = words.into_iter().collect();
    schemars::json_schema!({
        "type": "string",
        "enum": words,
        "description": description,
    })
}

/// Implements `Serialize`, `Display` and `JsonSchema` as the type's `as_str()` word; the schema
/// lists the words of `ALL`.
macro_rules! word_type {
    ($t:ident, $doc:literal) => {
        impl JsonSchema for $t {
            fn schema_name() -> Cow<'static, str> {
                stringify!($t).into()
            }

            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                word_schema($doc, $t::ALL.iter().map(|w| w.as_str()))
            }
        }

        impl Serialize for $t {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

/// What a finding is about. The rules behind each kind are in the `correlate::findings` module
/// docs; serialised as the snake-case word of [`FindingKind::as_str`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FindingKind {
    /// `half_open_limit`: the host reached the Windows half-open connection limit (Event 4226,
    /// the queued-connect capture fingerprint, or a netstat snapshot with exactly the limit in
    /// SYN_SENT; Tech Note 838, KB969710).
    HalfOpenLimit,
    /// `limit_not_enforced`: more connects outstanding than the limit and no Event 4226 (Vista
    /// SP2 and later, server OSs, a patched tcpip.sys; KB969710).
    LimitNotEnforced,
    /// `ephemeral_port_exhaustion`: Tcpip 4231/4266, or a snapshot full of TIME_WAIT rows
    /// (KB196271, KB929851).
    EphemeralPortExhaustion,
    /// `time_wait_collision`: Tcpip 4227, an outgoing connect hit a local port in TIME_WAIT.
    TimeWaitCollision,
    /// `alarm_client_gap`: an alarm client had no working exchange with its provider.
    AlarmClientGap,
    /// `clock_offset`: a source's clock differs from the common clock by more than a minute.
    ClockOffset,
}

impl FindingKind {
    /// Every value, in declaration order (the words of its JSON Schema).
    pub const ALL: [FindingKind; 6] = [
        FindingKind::HalfOpenLimit,
        FindingKind::LimitNotEnforced,
        FindingKind::EphemeralPortExhaustion,
        FindingKind::TimeWaitCollision,
        FindingKind::AlarmClientGap,
        FindingKind::ClockOffset,
    ];

    /// The JSON word: `half_open_limit`, `limit_not_enforced`, `ephemeral_port_exhaustion`,
    /// `time_wait_collision`, `alarm_client_gap`, `clock_offset`.
    pub fn as_str(self) -> &'static str {
        match self {
            FindingKind::HalfOpenLimit => "half_open_limit",
            FindingKind::LimitNotEnforced => "limit_not_enforced",
            FindingKind::EphemeralPortExhaustion => "ephemeral_port_exhaustion",
            FindingKind::TimeWaitCollision => "time_wait_collision",
            FindingKind::AlarmClientGap => "alarm_client_gap",
            FindingKind::ClockOffset => "clock_offset",
        }
    }
}

word_type!(FindingKind, "What a finding is about.");

/// How well a finding is supported: `high` when independent sources agree (e.g. a 4226 and a
/// capture), `medium` with one source, `low` with weak evidence (rules per kind in
/// `correlate::findings`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Confidence {
    /// `high`.
    High,
    /// `medium`.
    Medium,
    /// `low`.
    Low,
}

impl Confidence {
    /// Every value, in declaration order (the words of its JSON Schema).
    pub const ALL: [Confidence; 3] = [Confidence::High, Confidence::Medium, Confidence::Low];

    /// The JSON word: `high`, `medium` or `low`.
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::High => "high",
            Confidence::Medium => "medium",
            Confidence::Low => "low",
        }
    }
}

word_type!(Confidence, "How well a finding is supported.");

/// How alarming a host's verdict is. Ordered most severe first (`NoEvidence < Critical <
/// Warning < Info < Ok`), the order verdicts are listed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum VerdictSeverity {
    /// `no_evidence`: no input gave an event record, netstat snapshot or packet. The run's only
    /// verdict, with an empty host: nothing can be said, so no host is called `ok`.
    NoEvidence,
    /// `critical`: the half-open limit was reached.
    Critical,
    /// `warning`: port exhaustion, TIME_WAIT collisions or an alarm client gap.
    Warning,
    /// `info`: the limit is not enforced on the host.
    Info,
    /// `ok`: no sign of the limit.
    Ok,
}

impl VerdictSeverity {
    /// Every value, in declaration order (the words of its JSON Schema).
    pub const ALL: [VerdictSeverity; 5] = [
        VerdictSeverity::NoEvidence,
        VerdictSeverity::Critical,
        VerdictSeverity::Warning,
        VerdictSeverity::Info,
        VerdictSeverity::Ok,
    ];

    /// The JSON word: `no_evidence`, `critical`, `warning`, `info`, `ok`.
    pub fn as_str(self) -> &'static str {
        match self {
            VerdictSeverity::NoEvidence => "no_evidence",
            VerdictSeverity::Critical => "critical",
            VerdictSeverity::Warning => "warning",
            VerdictSeverity::Info => "info",
            VerdictSeverity::Ok => "ok",
        }
    }
}

word_type!(VerdictSeverity, "How alarming a host's verdict is.");

/// How the clock offset of one source was found (`correlate::clock` module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ClockMethod {
    /// `option`: `--clock-offset SOURCE=SECONDS`.
    Option,
    /// `reference`: an event log, the host's own clock (offset 0).
    Reference,
    /// `host_clock`: a netstat file, taken on the host (offset 0).
    HostClock,
    /// `half_open_limit_vs_4226`: median of Event 4226 times against the moments the capture
    /// shows the host reaching the limit.
    HalfOpenLimitVs4226,
    /// `connections_vs_capture`: median of the times event logs (Sysmon 3, Security
    /// 5156/5157) and firewall logs give single connects against the first SYN the capture shows
    /// for the same 4-tuple.
    ConnectionsVsCapture,
    /// `none`: a capture without anchors (offset 0).
    None,
}

impl ClockMethod {
    /// Every value, in declaration order (the words of its JSON Schema).
    pub const ALL: [ClockMethod; 6] = [
        ClockMethod::Option,
        ClockMethod::Reference,
        ClockMethod::HostClock,
        ClockMethod::HalfOpenLimitVs4226,
        ClockMethod::ConnectionsVsCapture,
        ClockMethod::None,
    ];

    /// The JSON word: `option`, `reference`, `host_clock`, `half_open_limit_vs_4226`,
    /// `connections_vs_capture`, `none`.
    pub fn as_str(self) -> &'static str {
        match self {
            ClockMethod::Option => "option",
            ClockMethod::Reference => "reference",
            ClockMethod::HostClock => "host_clock",
            ClockMethod::HalfOpenLimitVs4226 => "half_open_limit_vs_4226",
            ClockMethod::ConnectionsVsCapture => "connections_vs_capture",
            ClockMethod::None => "none",
        }
    }
}

word_type!(ClockMethod, "How the clock offset of a source was found.");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_serialize_as_their_display_text() {
        let j = serde_json::to_string(&(
            FindingKind::HalfOpenLimit,
            Confidence::Low,
            VerdictSeverity::Critical,
            ClockMethod::HalfOpenLimitVs4226,
        ));
        assert_eq!(
            j.unwrap(),
            r#"["half_open_limit","low","critical","half_open_limit_vs_4226"]"#
        );
        assert_eq!(ClockMethod::HostClock.to_string(), "host_clock");
        assert!(VerdictSeverity::Critical < VerdictSeverity::Ok);
    }

    #[test]
    fn word_schemas_list_every_word_once() {
        let schema = schemars::schema_for!(FindingKind);
        let words: Vec<&str> = FindingKind::ALL.iter().map(|k| k.as_str()).collect();
        assert_eq!(schema.get("enum"), Some(&serde_json::json!(words)));
        let mut unique = words.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), words.len());
        let schema = schemars::schema_for!(ClockMethod);
        assert_eq!(
            schema.get("enum").and_then(|e| e.as_array()).map(Vec::len),
            Some(ClockMethod::ALL.len())
        );
    }
}
