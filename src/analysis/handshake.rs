//! TCP connection attempts and their outcome, with Wireshark's meanings. (Helper C fills this in.)

use crate::ingest::capture::TcpPacket;
use crate::model::UtcTime;
use std::net::IpAddr;

/// How a connection attempt ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Outcome {
    /// A SYN-ACK came back.
    Established,
    /// A RST answered the SYN.
    Refused,
    /// Only SYNs; the sender gave up before the capture ended.
    Unanswered,
    /// No answer yet when the capture ended, before the give-up time.
    OpenAtEnd,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Established => "established",
            Outcome::Refused => "refused",
            Outcome::Unanswered => "unanswered",
            Outcome::OpenAtEnd => "open_at_end",
        }
    }
}

/// One connection attempt: a 4-tuple plus initial sequence number.
#[derive(Debug, Clone, PartialEq)]
pub struct Attempt {
    pub src: IpAddr,
    pub sport: u16,
    pub dst: IpAddr,
    pub dport: u16,
    /// Initial sequence number of the SYN.
    pub isn: u32,
    /// Frame number of the first SYN.
    pub frame: u64,
    pub first_syn: UtcTime,
    /// Times of each SYN retransmission (same 4-tuple, same ISN), in order.
    pub retransmissions: Vec<UtcTime>,
    pub outcome: Outcome,
    /// When the SYN-ACK or RST arrived, if it did.
    pub answered_at: Option<UtcTime>,
    /// When the attempt stopped being half-open (answer, give-up, or capture end).
    pub half_open_until: UtcTime,
}

/// Settings of the handshake model.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HandshakeSettings {
    /// Seconds after the first SYN at which the sender gives up (Windows XP–7: 21 s).
    pub give_up_s: f64,
}

impl Default for HandshakeSettings {
    fn default() -> Self {
        HandshakeSettings { give_up_s: 21.0 }
    }
}

/// Counts and attempts of one capture.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HandshakeReport {
    pub tcp_syn: u64,
    pub syn_retransmissions: u64,
    pub syn_ack: u64,
    pub rst: u64,
    pub attempts: Vec<Attempt>,
}

/// Feeds TCP packets in capture order; `finish` gives the report.
#[derive(Debug, Default)]
pub struct HandshakeTracker {
    settings: Option<HandshakeSettings>,
}

impl HandshakeTracker {
    pub fn new(settings: HandshakeSettings) -> Self {
        HandshakeTracker {
            settings: Some(settings),
        }
    }

    pub fn push(&mut self, p: &TcpPacket) {
        let _ = p;
    }

    /// Closes the analysis at `capture_end` (time of the last packet).
    pub fn finish(self, capture_end: Option<UtcTime>) -> HandshakeReport {
        let _ = (capture_end, self.settings);
        HandshakeReport::default()
    }
}
