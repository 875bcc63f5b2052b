//! Packet captures (pcap, pcapng, and gzip of either), streamed with `pcap-parser`'s
//! [`create_reader`] loop: the file is never held in memory, only a 1 MiB window.
//!
//! Formats: Microsoft Network Monitor 2.x (`.cap`, see [`read_netmon`]; read with seeks, not
//! streamed; a gzip-compressed one is inflated into memory first);
//! legacy pcap (tcpdump.org `pcap-savefile(5)`, draft-ietf-opsawg-pcap): µs magic
//! `a1b2c3d4` and ns magic `a1b23c4d`, both byte orders; pcapng (draft-ietf-opsawg-pcapng) with
//! any number of sections (each with its own byte order and interface list) and interfaces.
//! A gzip stream (magic `1f 8b`, RFC 1952, members concatenated or not) is inflated on the fly
//! with `flate2`; then every byte offset is an offset in the *inflated* stream.
//!
//! Timestamps are computed here, not with `pcap-parser`'s helpers (they reject base-2
//! `if_tsresol`, wrap seconds at 2106 and read `if_tsoffset` little-endian in big-endian sections):
//! pcapng time = `(ts_high << 32 | ts_low)` units of `10^-n` s (`if_tsresol` MSB 0) or `2^-n` s
//! (MSB 1), default µs, plus `if_tsoffset` seconds (pcapng draft §4.2 options 9 and 14).
//!
//! Frames are numbered from 1 over every packet record (EPB, SPB, legacy record), as Wireshark
//! does; `byte` is the file offset of the record. What we do with odd records:
//! - an EPB naming an interface the section has not described: a [`Problem`], skipped (counted);
//! - an SPB (no timestamp in the format): gets the time of the previous packet in the file
//!   (Unix epoch 0 if none), does not move `first_time`/`last_time`, and the first SPB of each
//!   section adds one [`Problem`] saying so;
//! - a cut file: every complete packet is kept, one [`Problem`] at the offset of the cut record;
//! - a corrupt record (legacy length above max(snaplen, 262144) or beyond the 1 MiB window, a
//!   pcapng block beyond 16 MiB or with a length not a multiple of 4, a parse error): one
//!   [`Problem`] at its offset, reading stops;
//! - a link type we do not decode: one [`Problem`] per link type, its frames are counted only;
//! - IP/TCP headers damaged or cut before the 20-byte TCP header: a [`Problem`] per frame;
//! - a non-first IP fragment: counted in [`CaptureRead::non_first_fragments`] (no reassembly).
//!
//! L2–L4 decoding is in the private `link` module (hand-written, borrowing the frame).
//!
//! Host names: UDP datagrams on the name-service ports (DNS/mDNS/LLMNR responses, NetBIOS Name
//! Service, DHCP) are parsed by the `names` module into [`CaptureRead::names`]; every other UDP
//! datagram is dropped after reading its ports, and TCP decoding does not change.

mod link;
mod names;
mod netmon;

pub use names::{NameSource, RevealedName};
pub use netmon::read_netmon;

use flate2::read::{GzDecoder, MultiGzDecoder};
use pcap_parser::pcapng::Block;
use pcap_parser::traits::PcapNGPacketBlock;
use pcap_parser::{PcapBlockOwned, PcapError, create_reader};
use std::fs::File;
use std::io::{Cursor, Read};

use crate::model::{Format, Locator, Problem, UtcTime};
use std::collections::HashSet;
use std::net::IpAddr;
use std::path::Path;

use super::IngestError;

/// TCP header flags (RFC 9293 §3.1).
pub mod flags {
    pub const FIN: u8 = 0x01;
    pub const SYN: u8 = 0x02;
    pub const RST: u8 = 0x04;
    pub const PSH: u8 = 0x08;
    pub const ACK: u8 = 0x10;
}

/// The TCP/IP facts of one segment (RFC 791/8200 addresses, RFC 9293 §3.1 header fields).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TcpSegment {
    pub src: IpAddr,
    pub dst: IpAddr,
    pub sport: u16,
    pub dport: u16,
    pub flags: u8,
    pub seq: u32,
    pub ack: u32,
    /// TCP payload length in bytes (as far as the IP header says).
    pub payload_len: u32,
}

/// One captured TCP packet: where and when it was seen, and its segment. Small and `Copy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TcpPacket {
    /// 1-based frame number (Wireshark's numbering).
    pub frame: u64,
    /// File offset of the frame's record.
    pub byte: u64,
    pub time: UtcTime,
    pub seg: TcpSegment,
}

/// What reading one capture gave (besides the TCP packets handed to the callback).
#[derive(Debug, Clone)]
pub struct CaptureRead {
    pub format: Format,
    /// Every packet record read (TCP or not).
    pub packets: u64,
    /// Earliest timestamp of a timed packet (UTC; SPBs have none).
    pub first_time: Option<UtcTime>,
    /// Latest timestamp of a timed packet (UTC): the capture end used by the handshake model.
    pub last_time: Option<UtcTime>,
    /// What was skipped or guessed, each with its frame/byte locator.
    pub problems: Vec<Problem>,
    /// Packets decoded down to a TCP header (each one went to the callback).
    pub tcp_packets: u64,
    /// IPv4/IPv6 fragments other than the first (their TCP header is elsewhere; not reassembled).
    pub non_first_fragments: u64,
    /// Host names the capture revealed (DNS/mDNS/LLMNR A/AAAA answers, NetBIOS name
    /// registrations and positive responses, DHCP host names; rules in the `names` module docs),
    /// in order of first appearance, one per (name case-folded, address, source) with the first
    /// frame that says so.
    pub names: Vec<RevealedName>,
    /// Name-service datagrams (matched by port) that could not be parsed, e.g. cut by the snap
    /// length or not the protocol the port suggests. Names read before the fault are kept. The
    /// first such datagram of each kind (DNS, NetBIOS, DHCP) is also a [`Problem`] at its frame
    /// giving the exact reason; the others are only counted here (a port match is a guess, so one
    /// problem per kind says enough without flooding the report).
    pub names_skipped: u64,
}

impl CaptureRead {
    /// An empty result for a capture of `format`.
    fn new(format: Format) -> Self {
        CaptureRead {
            format,
            packets: 0,
            first_time: None,
            last_time: None,
            problems: Vec::new(),
            tcp_packets: 0,
            non_first_fragments: 0,
            names: Vec::new(),
            names_skipped: 0,
        }
    }
}

/// Window of the streaming reader; bigger than any legal packet (262 144 bytes, libpcap's
/// `MAXIMUM_SNAPLEN`) so a record that does not fit is corrupt.
const READ_WINDOW: usize = 1 << 20;
/// Largest window a pcapng block may make us grow to.
const MAX_WINDOW: usize = 16 << 20;
/// libpcap's `MAXIMUM_SNAPLEN`: a legacy record longer than this (and the snaplen) is corrupt.
const MAX_PACKET: u32 = 262_144;
/// Bytes read fully before probing the header (`create_reader` probes a single `read()`).
const HEAD_LEN: usize = 64 * 1024;

const PCAPNG_MAGIC: [u8; 4] = [0x0a, 0x0d, 0x0d, 0x0a];

fn format_of_magic(head: &[u8]) -> Option<Format> {
    let m: [u8; 4] = head.get(0..4)?.try_into().ok()?;
    if m == PCAPNG_MAGIC {
        return Some(Format::Pcapng);
    }
    if m == netmon::MAGIC_2X || m == netmon::MAGIC_1X {
        // 1.x is reported as an unsupported header when read.
        return Some(Format::Netmon);
    }
    match u32::from_le_bytes(m) {
        0xa1b2_c3d4 | 0xd4c3_b2a1 | 0xa1b2_3c4d | 0x4d3c_b2a1 | 0xa1b2_cd34 | 0x34cd_b2a1 => {
            Some(Format::Pcap)
        }
        _ => None,
    }
}

fn is_gzip(head: &[u8]) -> bool {
    head.starts_with(&[0x1f, 0x8b])
}

/// The capture format if `head` (the first bytes of a file, ideally ≥ 4 KiB) starts like a
/// pcap (any of the six legacy magics), pcapng (SHB type `0a 0d 0d 0a`) or NetMon (`GMBU` 2.x;
/// `RTSS` 1.x, which reading then rejects as unsupported) file, or a gzip stream (`1f 8b`)
/// whose inflated start does. `None` otherwise.
pub fn sniff(head: &[u8]) -> Option<Format> {
    if is_gzip(head) {
        let mut inflated = [0u8; 4];
        let mut got = 0;
        let mut gz = GzDecoder::new(head);
        while got < inflated.len() {
            match gz.read(&mut inflated[got..]) {
                Ok(0) | Err(_) => break,
                Ok(n) => got += n,
            }
        }
        return format_of_magic(&inflated[..got]);
    }
    format_of_magic(head)
}

/// Streams a capture, calling `on_tcp` for each TCP packet in file order.
///
/// Errors: [`IngestError::Io`] when the file cannot be opened or its first bytes read;
/// [`IngestError::BadHeader`] when the file (or inflated gzip) header is not a pcap/pcapng header
/// or is cut. A cut or corrupt packet ends or skips with a [`Problem`] (byte offset, reason).
pub fn read_capture(
    path: &Path,
    on_tcp: &mut dyn FnMut(&TcpPacket),
) -> Result<CaptureRead, IngestError> {
    let mut file = File::open(path).map_err(|e| IngestError::io(path, e))?;
    let mut magic = [0u8; 4];
    let got = read_full(&mut file, &mut magic).map_err(|e| IngestError::io(path, e))?;
    let res = if is_gzip(&magic[..got]) {
        let start = Cursor::new(magic[..got].to_vec());
        read_capture_from(MultiGzDecoder::new(start.chain(file)), on_tcp)
    } else if format_of_magic(&magic[..got]) == Some(Format::Netmon) {
        // NetMon needs random access (the frame table is at the end): read the file in place.
        read_netmon(std::io::BufReader::new(file), on_tcp)
    } else {
        let start = Cursor::new(magic[..got].to_vec());
        read_capture_from(start.chain(file), on_tcp)
    };
    res.map_err(|e| match e {
        HeadError::Io(source) => IngestError::Io {
            path: path.to_path_buf(),
            source,
        },
        HeadError::BadHeader { format, reason } => IngestError::BadHeader {
            path: path.to_path_buf(),
            format,
            reason,
        },
    })
}

/// Why a stream could not be read at all (no path yet: [`read_capture`] adds it).
#[derive(Debug)]
pub enum HeadError {
    /// Reading the first bytes failed (including a broken gzip header).
    Io(std::io::Error),
    /// Not a pcap/pcapng header, or a cut one.
    BadHeader { format: Format, reason: String },
}

fn read_full(r: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut got = 0;
    while got < buf.len() {
        match r.read(&mut buf[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(got)
}

/// The interface facts needed per packet (pcapng IDB).
#[derive(Debug, Clone, Copy)]
struct Iface {
    linktype: i32,
    snaplen: u32,
    /// `if_tsresol` raw byte (MSB: base 2).
    tsresol: u8,
    /// `if_tsoffset` seconds.
    tsoffset: i64,
}

/// pcapng timestamp `ts` in units of `tsresol` plus `tsoffset` s → (Unix ns, digits).
/// Saturates outside i64 ns (years 1677–2262).
fn pcapng_time(ts: u64, tsresol: u8, tsoffset: i64) -> UtcTime {
    let n = u32::from(tsresol & 0x7f);
    let (nanos, digits): (i128, u8) = if tsresol & 0x80 == 0 {
        let digits = n.min(9) as u8;
        let v = if n <= 9 {
            i128::from(ts) * 10i128.pow(9 - n)
        } else {
            // n ≤ 127: 10^(n-9) may exceed i128 for n > 47; then the value is 0 ns anyway.
            10i128
                .checked_pow(n - 9)
                .map_or(0, |div| i128::from(ts) / div)
        };
        (v, digits)
    } else {
        // 2^-n s: digits = ceil(n · log10 2), at most 9.
        let digits = ((n * 30103).div_ceil(100_000)).min(9) as u8;
        ((i128::from(ts) * 1_000_000_000) >> n, digits)
    };
    let total = nanos.saturating_add(i128::from(tsoffset) * 1_000_000_000);
    let clamped = total.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64;
    UtcTime::from_unix_nanos(clamped, digits)
}

/// Reads `if_tsresol` (9) and `if_tsoffset` (14) from IDB options in the section's byte order.
fn iface_of(idb: &pcap_parser::pcapng::InterfaceDescriptionBlock<'_>, big_endian: bool) -> Iface {
    let mut tsresol = 6u8;
    let mut tsoffset = 0i64;
    for opt in &idb.options {
        let v = opt.value.get(..usize::from(opt.len)).unwrap_or(&[]);
        match opt.code.0 {
            9 => {
                if let Some(&b) = v.first() {
                    tsresol = b;
                }
            }
            14 => {
                if let Some(b) = v.get(0..8).and_then(|b| <[u8; 8]>::try_from(b).ok()) {
                    tsoffset = if big_endian {
                        i64::from_be_bytes(b)
                    } else {
                        i64::from_le_bytes(b)
                    };
                }
            }
            _ => {}
        }
    }
    Iface {
        linktype: idb.linktype.0,
        snaplen: idb.snaplen,
        tsresol,
        tsoffset,
    }
}

/// Per-read state shared by the legacy and pcapng paths.
struct State<'a> {
    out: CaptureRead,
    on_tcp: &'a mut dyn FnMut(&TcpPacket),
    /// Link types already reported as unsupported.
    unsupported: Vec<i32>,
    /// Time of the previous timed packet (for SPBs).
    prev_time: Option<UtcTime>,
    /// Names kept so far, keyed (name lowercase, address, source).
    names_seen: HashSet<(String, IpAddr, NameSource)>,
    /// Names found in the current datagram (reused).
    names_buf: Vec<names::Found>,
    /// Kinds whose first unparseable datagram was made a problem (DNS, NetBIOS, DHCP).
    names_reported: [bool; 3],
}

impl<'a> State<'a> {
    fn new(format: Format, on_tcp: &'a mut dyn FnMut(&TcpPacket)) -> Self {
        State {
            out: CaptureRead::new(format),
            on_tcp,
            unsupported: Vec::new(),
            prev_time: None,
            names_seen: HashSet::new(),
            names_buf: Vec::new(),
            names_reported: [false; 3],
        }
    }
}

impl State<'_> {
    /// Records the time of a timed record (packet or not).
    fn saw_time(&mut self, time: UtcTime) {
        self.prev_time = Some(time);
        // Earliest and latest time seen (a merged file need not be in time order).
        if self.out.first_time.is_none_or(|t| time < t) {
            self.out.first_time = Some(time);
        }
        if self.out.last_time.is_none_or(|t| time > t) {
            self.out.last_time = Some(time);
        }
    }

    fn problem(&mut self, frame: u64, byte: u64, reason: impl Into<String>) {
        self.out.problems.push(Problem::new(
            Locator::Frame {
                number: frame,
                byte,
            },
            reason,
        ));
    }

    /// Decodes one packet record (already counted as frame `frame`).
    fn packet(
        &mut self,
        frame: u64,
        byte: u64,
        time: UtcTime,
        timed: bool,
        linktype: i32,
        data: &[u8],
    ) {
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
            if !self.names_reported[k] {
                self.names_reported[k] = true;
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

/// [`read_capture`] over any byte stream (already inflated if it was gzip). Used by the tests and
/// fuzzing; never panics. A NetMon stream (which needs random access) is first read into memory.
pub fn read_capture_from<R: Read + Send>(
    mut input: R,
    on_tcp: &mut dyn FnMut(&TcpPacket),
) -> Result<CaptureRead, HeadError> {
    let mut head = vec![0u8; HEAD_LEN];
    let got = read_full(&mut input, &mut head).map_err(HeadError::Io)?;
    head.truncate(got);
    let format = format_of_magic(&head);
    let bad = |reason: String| HeadError::BadHeader {
        format: format.unwrap_or(Format::Pcap),
        reason,
    };
    let Some(format) = format else {
        return Err(bad(if got < 4 {
            format!("file too short ({got} bytes)")
        } else {
            "not a pcap or pcapng magic number".into()
        }));
    };
    if format == Format::Netmon {
        let mut all = head;
        input.read_to_end(&mut all).map_err(HeadError::Io)?;
        return read_netmon(Cursor::new(all), on_tcp);
    }
    let stream = Cursor::new(head).chain(input);
    let mut window = READ_WINDOW;
    let mut reader = match create_reader(window, stream) {
        Ok(r) => r,
        Err(PcapError::Eof) => return Err(bad("empty file".into())),
        Err(PcapError::Incomplete(_)) => return Err(bad("file header cut".into())),
        Err(_) => return Err(bad("file header not readable".into())),
    };
    let mut st = State::new(format, on_tcp);
    // Legacy state.
    let mut legacy_link = 1i32;
    let mut legacy_nanos = false;
    let mut legacy_max_caplen = MAX_PACKET;
    // pcapng state: per-section interfaces and byte order.
    let mut ifaces: Vec<Iface> = Vec::new();
    let mut big_endian = false;
    let mut spb_reported = false;
    let mut seen_header = false;
    loop {
        let byte = reader.consumed() as u64;
        match reader.next() {
            Ok((len, block)) => {
                if matches!(block, PcapBlockOwned::NG(_)) && len % 4 != 0 {
                    // pcapng draft §3.1: every block length is a multiple of 4. pcap-parser
                    // accepts such a block silently; Wireshark calls the file cut/damaged.
                    st.out.problems.push(Problem::new(
                        Locator::Byte(byte),
                        format!(
                            "pcapng block length {len} is not a multiple of 4: the rest of the \
                             file is not read"
                        ),
                    ));
                    break;
                }
                match block {
                    PcapBlockOwned::LegacyHeader(h) => {
                        legacy_link = h.network.0;
                        legacy_max_caplen = h.snaplen.max(MAX_PACKET);
                        legacy_nanos = h.is_nanosecond_precision();
                        seen_header = true;
                    }
                    PcapBlockOwned::Legacy(b) if b.caplen > legacy_max_caplen => {
                        // libpcap/Wireshark: a record longer than max(snaplen, 262144) is corrupt.
                        let why = format!(
                            "record length {} above {legacy_max_caplen} (corrupt): the rest of \
                             the file is not read",
                            b.caplen
                        );
                        st.out.problems.push(Problem::new(Locator::Byte(byte), why));
                        break;
                    }
                    PcapBlockOwned::Legacy(b) => {
                        st.out.packets += 1;
                        let frame = st.out.packets;
                        let sub = i64::from(b.ts_usec) * if legacy_nanos { 1 } else { 1000 };
                        let nanos = i64::from(b.ts_sec) * 1_000_000_000 + sub;
                        let time =
                            UtcTime::from_unix_nanos(nanos, if legacy_nanos { 9 } else { 6 });
                        let caplen = usize::try_from(b.caplen).unwrap_or(usize::MAX);
                        let data = b.data.get(..caplen).unwrap_or(b.data);
                        st.packet(frame, byte, time, true, legacy_link, data);
                    }
                    PcapBlockOwned::NG(Block::SectionHeader(shb)) => {
                        ifaces.clear();
                        big_endian = shb.big_endian();
                        spb_reported = false;
                        seen_header = true;
                    }
                    PcapBlockOwned::NG(Block::InterfaceDescription(idb)) => {
                        ifaces.push(iface_of(&idb, big_endian));
                    }
                    PcapBlockOwned::NG(Block::EnhancedPacket(epb)) => {
                        st.out.packets += 1;
                        let frame = st.out.packets;
                        match usize::try_from(epb.if_id).ok().and_then(|i| ifaces.get(i)) {
                            Some(ifc) => {
                                let ts = (u64::from(epb.ts_high) << 32) | u64::from(epb.ts_low);
                                let time = pcapng_time(ts, ifc.tsresol, ifc.tsoffset);
                                st.packet(frame, byte, time, true, ifc.linktype, epb.packet_data());
                            }
                            None => st.problem(
                                frame,
                                byte,
                                format!(
                                    "packet names interface {} but the section describes {}: skipped",
                                    epb.if_id,
                                    ifaces.len()
                                ),
                            ),
                        }
                    }
                    PcapBlockOwned::NG(Block::SimplePacket(spb)) => {
                        st.out.packets += 1;
                        let frame = st.out.packets;
                        match ifaces.first().copied() {
                            Some(ifc) => {
                                if !spb_reported {
                                    spb_reported = true;
                                    st.problem(
                                        frame,
                                        byte,
                                        "simple packet blocks carry no timestamp: in this section they \
                                         get the previous packet's time",
                                    );
                                }
                                let time = st.prev_time.unwrap_or(UtcTime::from_unix_nanos(0, 0));
                                let mut data = spb.packet_data();
                                if ifc.snaplen != 0 {
                                    let snap = usize::try_from(ifc.snaplen).unwrap_or(usize::MAX);
                                    data = data.get(..snap).unwrap_or(data);
                                }
                                st.packet(frame, byte, time, false, ifc.linktype, data);
                            }
                            None => st.problem(
                                frame,
                                byte,
                                "simple packet before any interface description: skipped",
                            ),
                        }
                    }
                    PcapBlockOwned::NG(Block::Unknown(u)) if u.block_type == 2 => {
                        // Obsolete Packet Block (pcapng draft appendix): a packet record we do not decode.
                        st.out.packets += 1;
                        let frame = st.out.packets;
                        st.problem(frame, byte, "obsolete packet block not decoded: skipped");
                    }
                    PcapBlockOwned::NG(_) => {}
                }
                reader.consume(len);
            }
            Err(PcapError::Eof) => break,
            Err(PcapError::Incomplete(_)) => {
                if reader.refill().is_err() {
                    st.out.problems.push(Problem::new(
                        Locator::Byte(byte),
                        "read error (I/O or gzip data) here: the rest of the file is not read",
                    ));
                    break;
                }
            }
            Err(PcapError::UnexpectedEof) => {
                st.out.problems.push(Problem::new(
                    Locator::Byte(byte),
                    "file cut in the middle of a record: the rest is lost",
                ));
                break;
            }
            Err(PcapError::BufferTooSmall) => {
                // A pcapng block (not only packets: name tables, custom blocks) may legally be
                // large: widen the window up to 16 MiB. A legacy record cannot exceed 262144.
                if format == Format::Pcapng && window < MAX_WINDOW && reader.grow(window * 2) {
                    window *= 2;
                    continue;
                }
                st.out.problems.push(Problem::new(
                    Locator::Byte(byte),
                    format!(
                        "record longer than {} MiB (corrupt length): the rest of the file is not read",
                        window >> 20
                    ),
                ));
                break;
            }
            Err(e) => {
                let kind = match e {
                    PcapError::NomError(_, k) | PcapError::OwnedNomError(_, k) => {
                        k.description().to_string()
                    }
                    PcapError::ReadError => "read error".to_string(),
                    _ => "unexpected reader state".to_string(),
                };
                let why = format!("corrupt record ({kind}): the rest of the file is not read");
                st.out.problems.push(Problem::new(Locator::Byte(byte), why));
                break;
            }
        }
    }
    if !seen_header {
        return Err(bad("file header not readable".into()));
    }
    Ok(st.out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::io::Write;

    fn read_bytes(b: &[u8]) -> (Result<CaptureRead, HeadError>, Vec<TcpPacket>) {
        let mut got = Vec::new();
        let r = read_capture_from(b, &mut |p| got.push(*p));
        (r, got)
    }

    /// A minimal Ethernet/IPv4/TCP SYN frame.
    fn syn_frame() -> Vec<u8> {
        let mut f = vec![0u8; 12];
        f.extend([
            0x08, 0x00, 0x45, 0, 0, 40, 0, 0, 0x40, 0, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
        ]);
        f.extend([
            0x04, 0x4a, 0, 80, 0, 0, 0, 9, 0, 0, 0, 0, 0x50, 0x02, 0x20, 0, 0, 0, 0, 0,
        ]);
        f
    }

    /// pcapng block (LE or BE) with `body` padded to 4.
    fn block(be: bool, ty: u32, body: &[u8]) -> Vec<u8> {
        let pad = (4 - body.len() % 4) % 4;
        let len = (12 + body.len() + pad) as u32;
        let w = |v: u32| if be { v.to_be_bytes() } else { v.to_le_bytes() };
        let mut b = Vec::new();
        b.extend(w(ty));
        b.extend(w(len));
        b.extend(body);
        b.extend(vec![0u8; pad]);
        b.extend(w(len));
        b
    }

    fn shb(be: bool) -> Vec<u8> {
        let mut body = Vec::new();
        let w32 = |v: u32| if be { v.to_be_bytes() } else { v.to_le_bytes() };
        let w16 = |v: u16| if be { v.to_be_bytes() } else { v.to_le_bytes() };
        body.extend(w32(0x1a2b_3c4d));
        body.extend(w16(1));
        body.extend(w16(0));
        body.extend([0xff; 8]);
        block(be, 0x0a0d_0d0a, &body)
    }

    fn idb(be: bool, tsresol: Option<u8>, tsoffset: Option<i64>) -> Vec<u8> {
        let w16 = |v: u16| if be { v.to_be_bytes() } else { v.to_le_bytes() };
        let w32 = |v: u32| if be { v.to_be_bytes() } else { v.to_le_bytes() };
        let mut body = Vec::new();
        body.extend(w16(1));
        body.extend(w16(0));
        body.extend(w32(0));
        if let Some(r) = tsresol {
            body.extend(w16(9));
            body.extend(w16(1));
            body.extend([r, 0, 0, 0]);
        }
        if let Some(o) = tsoffset {
            body.extend(w16(14));
            body.extend(w16(8));
            body.extend(if be { o.to_be_bytes() } else { o.to_le_bytes() });
        }
        body.extend([0u8; 4]); // opt_endofopt
        block(be, 1, &body)
    }

    fn epb(be: bool, if_id: u32, ts: u64, data: &[u8]) -> Vec<u8> {
        let w32 = |v: u32| if be { v.to_be_bytes() } else { v.to_le_bytes() };
        let mut body = Vec::new();
        body.extend(w32(if_id));
        body.extend(w32((ts >> 32) as u32));
        body.extend(w32(ts as u32));
        body.extend(w32(data.len() as u32));
        body.extend(w32(data.len() as u32));
        body.extend(data);
        body.extend(vec![0u8; (4 - data.len() % 4) % 4]);
        block(be, 6, &body)
    }

    #[test]
    fn pcapng_time_uses_power_of_ten_and_power_of_two_resolutions_and_offset() {
        // µs default.
        assert_eq!(pcapng_time(1_500_000, 6, 0).unix_nanos(), 1_500_000_000);
        // ns, plus an offset of 100 s.
        let t = pcapng_time(7, 9, 100);
        assert_eq!((t.unix_nanos(), t.digits()), (100_000_000_007, 9));
        // 2^-10 s units: 1024 units = 1 s; digits ceil(10·log10 2) = 4.
        let t = pcapng_time(1536, 0x80 | 10, 0);
        assert_eq!((t.unix_nanos(), t.digits()), (1_500_000_000, 4));
        // 2^-63 (libpcap's overflow test) and 10^-127 do not panic.
        assert_eq!(pcapng_time(u64::MAX, 0xbf, 0).unix_nanos(), 1_999_999_999);
        assert_eq!(pcapng_time(u64::MAX, 127, 0).unix_nanos(), 0);
    }

    #[test]
    fn big_endian_section_reads_tsoffset_in_its_byte_order() {
        let mut f = shb(true);
        f.extend(idb(true, Some(9), Some(1000)));
        let epb_at = f.len() as u64;
        assert_eq!(epb_at, 28 + 44);
        f.extend(epb(true, 0, 5, &syn_frame()));
        let (r, got) = read_bytes(&f);
        let r = r.unwrap();
        assert_eq!((r.format, r.packets, r.tcp_packets), (Format::Pcapng, 1, 1));
        assert_eq!(got[0].time.unix_nanos(), 1_000_000_000_005);
        assert_eq!(
            (
                got[0].seg.sport,
                got[0].seg.dport,
                got[0].seg.seq,
                got[0].seg.flags
            ),
            (1098, 80, 9, 0x02)
        );
        assert_eq!((got[0].frame, got[0].byte), (1, epb_at));
    }

    #[test]
    fn second_section_resets_interfaces_and_missing_idb_is_a_problem() {
        let mut f = shb(false);
        f.extend(idb(false, None, None));
        f.extend(idb(false, Some(9), None));
        f.extend(epb(false, 1, 2_000_000_000, &syn_frame()));
        let second = f.len() as u64;
        f.extend(shb(true));
        f.extend(epb(true, 1, 0, &syn_frame()));
        let (r, got) = read_bytes(&f);
        let r = r.unwrap();
        assert_eq!((r.packets, got.len()), (2, 1));
        assert_eq!(got[0].time.unix_nanos(), 2_000_000_000);
        assert_eq!(
            r.problems,
            vec![Problem::new(
                Locator::Frame {
                    number: 2,
                    byte: second + 28
                },
                "packet names interface 1 but the section describes 0: skipped"
            )]
        );
    }

    #[test]
    fn legacy_big_endian_nanosecond_pcap_and_a_cut_last_record() {
        let frame = syn_frame();
        let mut f = Vec::new();
        f.extend(0xa1b2_3c4du32.to_be_bytes());
        f.extend(2u16.to_be_bytes());
        f.extend(4u16.to_be_bytes());
        f.extend([0u8; 8]);
        f.extend(65535u32.to_be_bytes());
        f.extend(1u32.to_be_bytes());
        for (sec, ns) in [(10u32, 5u32), (11, 6)] {
            f.extend(sec.to_be_bytes());
            f.extend(ns.to_be_bytes());
            f.extend((frame.len() as u32).to_be_bytes());
            f.extend((frame.len() as u32).to_be_bytes());
            f.extend(&frame);
        }
        let cut_at = 24 + 16 + frame.len() as u64;
        f.truncate(f.len() - 3);
        let (r, got) = read_bytes(&f);
        let r = r.unwrap();
        assert_eq!((r.format, r.packets, got.len()), (Format::Pcap, 1, 1));
        assert_eq!(got[0].time.unix_nanos(), 10_000_000_005);
        assert_eq!(got[0].time.digits(), 9);
        assert_eq!(
            r.problems,
            vec![Problem::new(
                Locator::Byte(cut_at),
                "file cut in the middle of a record: the rest is lost"
            )]
        );
    }

    fn legacy_le(records: &[(u32, &[u8])]) -> Vec<u8> {
        let mut f = 0xa1b2_c3d4u32.to_le_bytes().to_vec();
        f.extend([
            2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 1, 0, 0, 0,
        ]);
        for &(caplen, data) in records {
            f.extend(1u32.to_le_bytes());
            f.extend(0u32.to_le_bytes());
            f.extend(caplen.to_le_bytes());
            f.extend(caplen.to_le_bytes());
            f.extend(data);
        }
        f
    }

    #[test]
    fn legacy_record_longer_than_262144_is_corrupt_and_stops_reading() {
        let frame = syn_frame();
        let big = vec![0u8; 300_000];
        let f = legacy_le(&[(frame.len() as u32, &frame), (300_000, &big), (54, &frame)]);
        let (r, got) = read_bytes(&f);
        let r = r.unwrap();
        assert_eq!((r.packets, got.len()), (1, 1));
        assert_eq!(r.problems.len(), 1);
        assert_eq!(r.problems[0].locator, Locator::Byte(24 + 16 + 54));
    }

    #[test]
    fn legacy_record_length_beyond_the_window_is_a_problem_not_a_hang() {
        let frame = syn_frame();
        let f = legacy_le(&[(frame.len() as u32, &frame), (0x7fff_ffff, &frame)]);
        let (r, _) = read_bytes(&f);
        let r = r.unwrap();
        assert_eq!(r.packets, 1);
        assert_eq!(r.problems.len(), 1);
        assert_eq!(r.problems[0].locator, Locator::Byte(24 + 16 + 54));
    }

    #[test]
    fn pcapng_block_larger_than_the_window_grows_it() {
        let mut big = syn_frame();
        big.resize(1_500_000, 0);
        let mut f = shb(false);
        f.extend(idb(false, None, None));
        f.extend(epb(false, 0, 1, &big));
        f.extend(epb(false, 0, 2, &syn_frame()));
        let (r, got) = read_bytes(&f);
        let r = r.unwrap();
        assert_eq!((r.packets, got.len(), r.problems.len()), (2, 2, 0));
    }

    #[test]
    fn gzip_is_sniffed_and_read_from_a_file() {
        let mut f = shb(false);
        f.extend(idb(false, None, None));
        f.extend(epb(false, 0, 1, &syn_frame()));
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(&f).unwrap();
        let gz = gz.finish().unwrap();
        assert_eq!(sniff(&gz), Some(Format::Pcapng));
        assert_eq!(sniff(&f), Some(Format::Pcapng));
        assert_eq!(sniff(b"GMBU"), Some(Format::Netmon));
        assert_eq!(sniff(b"RTSS"), Some(Format::Netmon));
        assert_eq!(sniff(b"GMB"), None);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.bin");
        std::fs::write(&path, &gz).unwrap();
        let mut n = 0;
        let r = read_capture(&path, &mut |_| n += 1).unwrap();
        assert_eq!((r.format, r.packets, n), (Format::Pcapng, 1, 1));
    }

    #[test]
    fn gzipped_netmon_is_sniffed_and_read_in_memory() {
        use crate::analysis::test_packets;
        use halfopen_testgen::pcap::{SynthTcp, write_netmon};
        let frame = syn_frame();
        let seg = link::decode(1, &frame);
        let link::Decoded::Tcp(seg) = seg else {
            panic!("{seg:?}")
        };
        let pkts: Vec<SynthTcp> = (0..3)
            .map(|k| {
                test_packets::synth(
                    UtcTime::from_unix_nanos(1_000_000_000_000 + k * 1_000, 6),
                    seg,
                )
            })
            .collect();
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(&write_netmon(&pkts, 3)).unwrap();
        let gz = gz.finish().unwrap();
        assert_eq!(sniff(&gz), Some(Format::Netmon));
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.cap.gz");
        std::fs::write(&path, &gz).unwrap();
        let mut times = Vec::new();
        let r = read_capture(&path, &mut |p| times.push(p.time.unix_nanos())).unwrap();
        assert_eq!((r.format, r.packets), (Format::Netmon, 3));
        assert_eq!(
            times,
            [1_000_000_000_000, 1_000_000_001_000, 1_000_000_002_000]
        );
    }

    #[test]
    fn empty_and_foreign_files_are_bad_headers() {
        for b in [
            &b""[..],
            b"\xd4\xc3\xb2\xa1\x02\x00",
            b"hello world, this is text",
        ] {
            assert!(
                matches!(read_bytes(b).0, Err(HeadError::BadHeader { .. })),
                "{b:?}"
            );
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]
        #[test]
        fn arbitrary_bytes_never_panic(tail in proptest::collection::vec(any::<u8>(), 0..600), kind in 0u8..3) {
            // Start from a valid header half the time so the block/packet paths get exercised.
            let mut f = match kind {
                0 => Vec::new(),
                1 => { let mut f = shb(false); f.extend(idb(false, None, None)); f }
                _ => {
                    let mut f = 0xa1b2_c3d4u32.to_le_bytes().to_vec();
                    f.extend([2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 1, 0, 0, 0]);
                    f
                }
            };
            f.extend(tail);
            let _ = read_bytes(&f);
        }

        #[test]
        fn mutated_valid_capture_never_panics(pos in 0usize..200, val in any::<u8>(), cut in 0usize..200) {
            let mut f = shb(false);
            f.extend(idb(false, Some(0x8a), Some(-5)));
            f.extend(epb(false, 0, 77, &syn_frame()));
            f.extend(epb(false, 0, 78, &syn_frame()[..30]));
            let n = f.len();
            f[pos % n] = val;
            f.truncate(n - cut % n);
            let _ = read_bytes(&f);
        }
    }
}
