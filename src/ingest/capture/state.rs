//! Per-read state shared by the pcap/pcapng stream reader and the NetMon reader: counts, the
//! time range, the decode of one frame (`link`) and the host names it reveals (`names`).

// Input reaches this module: no unwrap/expect/indexing outside tests (issue 18 §4).
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

use super::link;
use super::names::{self, NameSource, RevealedName};
use super::types::{CaptureRead, TcpPacket};
use crate::model::{Format, Locator, Problem, UtcTime};
use std::collections::HashSet;
use std::net::IpAddr;

/// Per-read state shared by the legacy and pcapng paths.
pub(super) struct State<'a> {
    pub(super) out: CaptureRead,
    on_tcp: &'a mut dyn FnMut(&TcpPacket),
    /// Link types already reported as unsupported.
    unsupported: Vec<i32>,
    /// Time of the previous timed packet (for SPBs).
    pub(super) prev_time: Option<UtcTime>,
    /// Names kept so far, keyed (name lowercase, address, source).
    names_seen: HashSet<(String, IpAddr, NameSource)>,
    /// Names found in the current datagram (reused).
    names_buf: Vec<names::Found>,
    /// Kinds whose first unparseable datagram was made a problem (DNS, NetBIOS, DHCP).
    names_reported: [bool; 3],
    /// The current run of records with no captured bytes: (first frame, its byte, last frame).
    empty_run: Option<(u64, u64, u64)>,
}

impl<'a> State<'a> {
    pub(super) fn new(format: Format, on_tcp: &'a mut dyn FnMut(&TcpPacket)) -> Self {
        State {
            out: CaptureRead::new(format),
            on_tcp,
            unsupported: Vec::new(),
            prev_time: None,
            names_seen: HashSet::new(),
            names_buf: Vec::new(),
            names_reported: [false; 3],
            empty_run: None,
        }
    }
}

impl State<'_> {
    /// Records the time of a timed record (packet or not).
    pub(super) fn saw_time(&mut self, time: UtcTime) {
        self.prev_time = Some(time);
        // Earliest and latest time seen (a merged file need not be in time order).
        if self.out.first_time.is_none_or(|t| time < t) {
            self.out.first_time = Some(time);
        }
        if self.out.last_time.is_none_or(|t| time > t) {
            self.out.last_time = Some(time);
        }
    }

    pub(super) fn problem(&mut self, frame: u64, byte: u64, reason: impl Into<String>) {
        self.out.problems.push(Problem::new(
            Locator::Frame {
                number: frame,
                byte,
            },
            reason,
        ));
    }

    /// Ends the read: a pending run of empty records becomes its problem. Call once, before
    /// handing `out` back.
    pub(super) fn finish(&mut self) {
        self.flush_empty_run();
    }

    /// One problem for a run of consecutive records that captured no bytes (e.g. a zero-filled
    /// stretch read as 16-byte pcap record headers): nonsense, not packets, and one problem per
    /// run however long, so 2 GiB of zeros is one line and not 134 million.
    fn flush_empty_run(&mut self) {
        let Some((first, byte, last)) = self.empty_run.take() else {
            return;
        };
        let n = last - first + 1;
        let why = if n == 1 {
            "record with no captured bytes: nothing to decode".to_string()
        } else {
            format!(
                "{n} consecutive records with no captured bytes (frames {first}–{last}; a \
                 zero-filled stretch?): nothing to decode"
            )
        };
        self.problem(first, byte, why);
    }

    /// Decodes one packet record (already counted as frame `frame`).
    pub(super) fn packet(
        &mut self,
        frame: u64,
        byte: u64,
        time: UtcTime,
        timed: bool,
        linktype: i32,
        data: &[u8],
    ) {
        if data.is_empty() {
            match &mut self.empty_run {
                Some((_, _, last)) if *last + 1 == frame => *last = frame,
                _ => {
                    self.flush_empty_run();
                    self.empty_run = Some((frame, byte, frame));
                }
            }
            return;
        }
        self.flush_empty_run();
        if timed {
            self.saw_time(time);
        }
        match link::decode(linktype, data) {
            link::Decoded::Tcp(t) => {
                self.out.tcp_packets += 1;
                (self.on_tcp)(&TcpPacket {
                    frame,
                    byte,
                    time,
                    seg: t,
                });
            }
            link::Decoded::NameUdp(d) => self.names(frame, byte, &d),
            link::Decoded::NotTcp => {}
            link::Decoded::NonFirstFragment => self.out.non_first_fragments += 1,
            link::Decoded::Malformed(why) => self.problem(frame, byte, why),
            link::Decoded::UnsupportedLink => {
                if !self.unsupported.contains(&linktype) {
                    self.unsupported.push(linktype);
                    self.problem(
                        frame,
                        byte,
                        format!("link type {linktype} not decoded: its frames are counted only"),
                    );
                }
            }
        }
    }
}

impl State<'_> {
    /// Learns host names from a name-service datagram of frame `frame`.
    #[cold]
    fn names(&mut self, frame: u64, byte: u64, d: &link::UdpDatagram<'_>) {
        let Some(how) = names::protocol_of(d.sport, d.dport) else {
            return;
        };
        self.names_buf.clear();
        let res = names::parse(how, d.payload, &mut self.names_buf);
        for f in self.names_buf.drain(..) {
            let key = (f.name.to_lowercase(), f.address, f.how);
            if self.names_seen.insert(key) {
                self.out.names.push(RevealedName {
                    name: f.name,
                    address: f.address,
                    how: f.how,
                    frame,
                });
            }
        }
        if let Err(why) = res {
            self.out.names_skipped += 1;
            let (k, kind) = match how {
                NameSource::Dns => (0, "DNS"),
                NameSource::Netbios => (1, "NetBIOS name service"),
                NameSource::Dhcp => (2, "DHCP"),
            };
            if let Some(reported @ false) = self.names_reported.get_mut(k) {
                *reported = true;
                let cut = if d.cut {
                    " (datagram cut by the snap length)"
                } else {
                    ""
                };
                let reason = format!(
                    "{kind} datagram not parsed for host names: {why}{cut}; later unparsed {kind} \
                     datagrams are only counted"
                );
                self.problem(frame, byte, reason);
            }
        }
    }
}
