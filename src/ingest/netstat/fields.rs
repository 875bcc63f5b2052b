//! What the Windows row grammar (`row.rs`) and the Unix one (`unix.rs`) both produce: the fields
//! of one row, and the state words Windows netstat prints (`netstmsg.mc`, research note §2).

// Input reaches this module: no unwrap/expect/indexing outside tests (issue 18 §4).
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

use super::types::{Endpoint, Proto};

/// The fields of one parsed row (before it gets its line number and program).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct RowFields {
    pub proto: Proto,
    pub local: Endpoint,
    pub foreign: Endpoint,
    /// Canonical state (see [`canonical_state`]); `None` for a UDP row without one.
    pub state: Option<String>,
    /// False when the state word is not one netstat prints (kept verbatim in `state`).
    pub state_known: bool,
    pub pid: Option<u32>,
    /// Program printed in the row itself (Linux `1234/sshd`, ss `users:(("sshd",…))`); Windows
    /// names come from the `-b` line after the row instead.
    pub program: Option<String>,
}

impl RowFields {
    /// True when the state looks cut by a console wrap: a TCP state that is not a known word but
    /// a strict prefix of one (`ESTABLIS`).
    pub fn state_looks_cut(&self) -> bool {
        match &self.state {
            Some(s) if !self.state_known => KNOWN_STATE_WORDS
                .iter()
                .any(|(w, _)| w.len() > s.len() && w.starts_with(s.as_str())),
            _ => false,
        }
    }
}

/// What one line is, as far as the row grammar goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum RowParse {
    /// The line does not start with a proto token: not a row.
    NotRow,
    /// A row.
    Row(RowFields),
    /// Starts with a proto token but cannot be read; why (the caller adds the line).
    Bad(RowError),
}

/// State words Windows netstat prints and their standard English names. English words are the `netstmsg.mc` set (CLOSED … TIME_WAIT); German ones are from real German Windows output
/// (research note §2: ABHÖREN, HERGESTELLT, WARTEND, SCHLIESSEN_WARTEN, FIN_WARTEN_2,
/// SYN_GESENDET); SYN_EMPFANGEN/SCHLIESSEND are only seen in parser alias tables (unverified).
const KNOWN_STATE_WORDS: &[(&str, &str)] = &[
    ("CLOSED", "CLOSED"),
    ("LISTENING", "LISTENING"),
    ("SYN_SENT", "SYN_SENT"),
    ("SYN_RECEIVED", "SYN_RECEIVED"),
    ("ESTABLISHED", "ESTABLISHED"),
    ("FIN_WAIT_1", "FIN_WAIT_1"),
    ("FIN_WAIT_2", "FIN_WAIT_2"),
    ("CLOSE_WAIT", "CLOSE_WAIT"),
    ("CLOSING", "CLOSING"),
    ("LAST_ACK", "LAST_ACK"),
    ("TIME_WAIT", "TIME_WAIT"),
    ("ABHÖREN", "LISTENING"),
    ("ABH™REN", "LISTENING"),
    ("HERGESTELLT", "ESTABLISHED"),
    ("WARTEND", "TIME_WAIT"),
    ("SCHLIESSEN_WARTEN", "CLOSE_WAIT"),
    ("FIN_WARTEN_1", "FIN_WAIT_1"),
    ("FIN_WARTEN_2", "FIN_WAIT_2"),
    ("SYN_GESENDET", "SYN_SENT"),
    ("SYN_EMPFANGEN", "SYN_RECEIVED"),
    ("SCHLIESSEND", "CLOSING"),
];

/// The standard English name of a printed state word and whether it is known. `ABH?REN` with any
/// one character for `Ö` (CP850 byte 0x99 read as CP1252 `™`, or U+FFFD) is LISTENING. Unknown
/// words are returned verbatim.
pub(super) fn canonical_state(word: &str) -> (String, bool) {
    let upper = word.to_uppercase();
    if let Some((_, c)) = KNOWN_STATE_WORDS.iter().find(|(w, _)| *w == upper) {
        return ((*c).to_string(), true);
    }
    if upper.chars().count() == 7 && upper.starts_with("ABH") && upper.ends_with("REN") {
        return ("LISTENING".to_string(), true);
    }
    (word.to_string(), false)
}

/// Why a line that starts like a connection row cannot be read. The 1-based line is not in
/// the error: the caller reports it as a [`crate::model::Problem`] at [`crate::model::Locator::Line`]
/// (text `netstat row: {this error}`). Token rules: Windows `netstmsg.mc` row formats, net-tools /
/// BSD / iproute2 layouts (research note §2–4).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RowError {
    /// A Windows address token without a `:` splitting a non-empty host and port.
    #[error("address `{token}` is not `host:port`")]
    NotHostPort {
        /// The address token as printed.
        token: String,
    },
    /// A Unix `[v6]…` address token without `]:port` or `]%zone:port` after the bracket.
    #[error("address `{token}` is not `[host]:port`")]
    NotBracketed {
        /// The address token as printed.
        token: String,
    },
    /// A Unix address token with neither a `:port` nor a BSD `.port` suffix.
    #[error("address `{token}` is neither `host:port` nor `host.port`")]
    NoPort {
        /// The address token as printed.
        token: String,
    },
    /// A PID that is not a decimal number below 2^32.
    #[error("PID `{token}` is not a number below 2^32")]
    BadPid {
        /// The PID text as printed.
        token: String,
    },
    /// A Windows or net-tools/BSD row with fewer than two address tokens.
    #[error("row has fewer than two addresses")]
    MissingAddress,
    /// An `ss` row with fewer than two address tokens.
    #[error("ss row has fewer than two addresses")]
    SsMissingAddress,
    /// A Windows row with tokens after the addresses that are not `[state] [pid]`.
    #[error("unexpected fields after the addresses: `{fields}`")]
    UnexpectedFields {
        /// The extra tokens, joined with single spaces.
        fields: String,
    },
    /// A Windows TCP row without a state word.
    #[error("TCP row without a state")]
    TcpWithoutState,
}
