//! The streaming pcap/pcapng reader: `pcap-parser`'s [`create_reader`] loop over a 1 MiB window
//! (grown up to 16 MiB for a large pcapng block), one block at a time. Legacy pcap per
//! tcpdump.org `pcap-savefile(5)` / draft-ietf-opsawg-pcap; pcapng per draft-ietf-opsawg-pcapng
//! (sections §4.1, interfaces §4.2, EPB §4.3, SPB §4.4, obsolete Packet Block appendix A).
//! What happens to odd records is listed in `super`'s module docs.

// Input reaches this module: no unwrap/expect/indexing outside tests (issue 18 §4).
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

use super::pcapng::{Iface, iface_of, pcapng_time};
use super::state::State;
use super::types::{CaptureRead, HeadError, MAX_PACKET, TcpPacket};
use crate::model::{Format, Locator, Problem, UtcTime};
use pcap_parser::pcapng::{Block, EnhancedPacketBlock, SimplePacketBlock};
use pcap_parser::traits::PcapNGPacketBlock;
use pcap_parser::{LegacyPcapBlock, PcapBlockOwned, PcapError, create_reader};
use std::io::Read;

/// Window of the streaming reader; bigger than any legal packet (262 144 bytes, libpcap's
/// `MAXIMUM_SNAPLEN`) so a record that does not fit is corrupt.
const READ_WINDOW: usize = 1 << 20;
/// Largest window a pcapng block may make us grow to.
const MAX_WINDOW: usize = 16 << 20;

/// Whether the block loop goes on after a block.
enum Step {
    /// Read the next block.
    Next,
    /// A corrupt record: a [`Problem`] was recorded, the rest of the file is not read.
    Stop,
}

/// The block loop's state: per-read [`State`], the legacy header's facts and the current
/// pcapng section's interfaces and byte order.
struct Blocks<'a> {
    st: State<'a>,
    /// Legacy header LINKTYPE_* (1 = Ethernet until a header says otherwise).
    legacy_link: i32,
    /// Legacy nanosecond magic (`a1b23c4d`): sub-second field in ns, else µs.
    legacy_nanos: bool,
    /// max(snaplen, 262 144): a longer legacy record is corrupt.
    legacy_max_caplen: u32,
    /// Interfaces of the current pcapng section, in IDB order (the EPB interface id indexes it).
    ifaces: Vec<Iface>,
    /// Byte order of the current pcapng section.
    big_endian: bool,
    /// The SPB note was given in the current section.
    spb_reported: bool,
    /// A legacy header or a Section Header Block was read.
    seen_header: bool,
}

/// Reads a pcap or pcapng stream of `format` (its first bytes included) block by block.
/// Errors: [`HeadError::BadHeader`] when the header is empty, cut or not readable.
pub(super) fn read_stream<R: Read + Send>(
    stream: R,
    format: Format,
    on_tcp: &mut dyn FnMut(&TcpPacket),
) -> Result<CaptureRead, HeadError> {
    let bad = |reason: &str| HeadError::BadHeader {
        format,
        reason: reason.into(),
    };
    let mut window = READ_WINDOW;
    let mut reader = match create_reader(window, stream) {
        Ok(r) => r,
        Err(PcapError::Eof) => return Err(bad("empty file")),
        Err(PcapError::Incomplete(_)) => return Err(bad("file header cut")),
        Err(_) => return Err(bad("file header not readable")),
    };
    let mut b = Blocks {
        st: State::new(format, on_tcp),
        legacy_link: 1,
        legacy_nanos: false,
        legacy_max_caplen: MAX_PACKET,
        ifaces: Vec::new(),
        big_endian: false,
        spb_reported: false,
        seen_header: false,
    };
    loop {
        let byte = reader.consumed() as u64;
        let stop = match reader.next() {
            Ok((len, block)) => {
                let step = b.block(byte, len, block);
                reader.consume(len);
                matches!(step, Step::Stop)
            }
            Err(PcapError::Eof) => break,
            Err(PcapError::Incomplete(_)) => {
                if reader.refill().is_err() {
                    b.stop_at(
                        byte,
                        "read error (I/O or gzip data) here: the rest of the file is not read",
                    );
                    break;
                }
                false
            }
            Err(PcapError::BufferTooSmall) => {
                // A pcapng block (not only packets: name tables, custom blocks) may legally be
                // large: widen the window up to 16 MiB. A legacy record cannot exceed 262144.
                if format == Format::Pcapng && window < MAX_WINDOW && reader.grow(window * 2) {
                    window *= 2;
                    continue;
                }
                b.stop_at(
                    byte,
                    format!(
                        "record longer than {} MiB (corrupt length): the rest of the file is not read",
                        window >> 20
                    ),
                );
                true
            }
            Err(e) => {
                b.stop_at(byte, read_failure(&e));
                true
            }
        };
        if stop {
            break;
        }
    }
    if !b.seen_header {
        return Err(bad("file header not readable"));
    }
    b.st.finish();
    Ok(b.st.out)
}

/// The problem text for a reader error other than end of data, a refill or a small window.
fn read_failure(e: &PcapError<&[u8]>) -> String {
    match e {
        PcapError::UnexpectedEof => "file cut in the middle of a record: the rest is lost".into(),
        PcapError::NomError(_, k) | PcapError::OwnedNomError(_, k) => {
            let kind = k.description();
            format!("corrupt record ({kind}): the rest of the file is not read")
        }
        PcapError::ReadError => {
            "corrupt record (read error): the rest of the file is not read".into()
        }
        _ => "corrupt record (unexpected reader state): the rest of the file is not read".into(),
    }
}

/// Block types of the pcapng registry (draft-ietf-opsawg-pcapng §10.1: 0x1–0xA, the Hone
/// project's 0x101–0x108, Sysdig's 0x201–0x213, custom 0xBAD/0x40000BAD, the SHB) and Apple's
/// process information block 0x80000001: a reader skips these silently. Any other local-use
/// type (high bit set) is a private block halfopen cannot read, or, far more often in a
/// customer's file, a packet block whose type field was damaged: either way a problem.
fn registered_block_type(t: u32) -> bool {
    matches!(
        t,
        0x1..=0xA | 0x101..=0x108 | 0x201..=0x213 | 0xBAD | 0x4000_0BAD | 0x0A0D_0D0A | 0x8000_0001
    )
}

impl Blocks<'_> {
    /// Records a [`Problem`] at file offset `byte` after which reading stops.
    fn stop_at(&mut self, byte: u64, reason: impl Into<String>) {
        self.st
            .out
            .problems
            .push(Problem::new(Locator::Byte(byte), reason));
    }

    /// Handles one block of `len` bytes at file offset `byte`.
    fn block(&mut self, byte: u64, len: usize, block: PcapBlockOwned<'_>) -> Step {
        if matches!(block, PcapBlockOwned::NG(_)) && len % 4 != 0 {
            // pcapng draft §3.1: every block length is a multiple of 4. pcap-parser
            // accepts such a block silently; Wireshark calls the file cut/damaged.
            self.stop_at(
                byte,
                format!(
                    "pcapng block length {len} is not a multiple of 4: the rest of the \
                     file is not read"
                ),
            );
            return Step::Stop;
        }
        match block {
            PcapBlockOwned::LegacyHeader(h) => {
                self.legacy_link = h.network.0;
                self.legacy_max_caplen = h.snaplen.max(MAX_PACKET);
                self.legacy_nanos = h.is_nanosecond_precision();
                self.seen_header = true;
            }
            PcapBlockOwned::Legacy(b) => return self.legacy(byte, &b),
            PcapBlockOwned::NG(Block::SectionHeader(shb)) => {
                self.ifaces.clear();
                self.big_endian = shb.big_endian();
                self.spb_reported = false;
                self.seen_header = true;
            }
            PcapBlockOwned::NG(Block::InterfaceDescription(idb)) => {
                self.ifaces.push(iface_of(&idb, self.big_endian));
            }
            PcapBlockOwned::NG(Block::EnhancedPacket(epb)) => self.enhanced(byte, &epb),
            PcapBlockOwned::NG(Block::SimplePacket(spb)) => self.simple(byte, &spb),
            PcapBlockOwned::NG(Block::Unknown(u)) if u.block_type == 2 => {
                // Obsolete Packet Block (pcapng draft appendix): a packet record we do not decode.
                let frame = self.next_frame();
                self.st
                    .problem(frame, byte, "obsolete packet block not decoded: skipped");
            }
            PcapBlockOwned::NG(Block::Unknown(u)) if !registered_block_type(u.block_type) => {
                // Not a block type of the pcapng registry: most likely a damaged block header
                // (a packet block whose type lost a bit), not a new kind.
                self.st.out.problems.push(Problem::new(
                    Locator::Byte(byte),
                    format!(
                        "pcapng block of unknown type 0x{:08x} ({len} bytes) skipped: a damaged \
                         block{}?",
                        u.block_type,
                        if u.block_type & 0x8000_0000 != 0 {
                            " or a private (local-use) one"
                        } else {
                            ""
                        },
                    ),
                ));
            }
            PcapBlockOwned::NG(other) => {
                if let Some(why) = super::pcapng::non_packet_block_damage(&other, self.ifaces.len())
                {
                    self.st.out.problems.push(Problem::new(
                        Locator::Byte(byte),
                        format!(
                            "pcapng block of type 0x{:08x} ({len} bytes) skipped: {why} (a \
                             damaged packet block?)",
                            other.magic()
                        ),
                    ));
                }
            }
        }
        Step::Next
    }

    /// Counts a packet record and returns its 1-based frame number.
    fn next_frame(&mut self) -> u64 {
        self.st.out.packets += 1;
        self.st.out.packets
    }

    /// A legacy pcap record: time from `ts_sec` and `ts_usec` (µs, or ns with the ns magic).
    fn legacy(&mut self, byte: u64, b: &LegacyPcapBlock<'_>) -> Step {
        if b.caplen > self.legacy_max_caplen {
            // libpcap/Wireshark: a record longer than max(snaplen, 262144) is corrupt.
            let why = format!(
                "record length {} above {} (corrupt): the rest of \
                 the file is not read",
                b.caplen, self.legacy_max_caplen
            );
            self.stop_at(byte, why);
            return Step::Stop;
        }
        let frame = self.next_frame();
        let nanos_scale = if self.legacy_nanos { 1 } else { 1000 };
        let sub = i64::from(b.ts_usec) * nanos_scale;
        let nanos = i64::from(b.ts_sec) * 1_000_000_000 + sub;
        let time = UtcTime::from_unix_nanos(nanos, if self.legacy_nanos { 9 } else { 6 });
        let caplen = usize::try_from(b.caplen).unwrap_or(usize::MAX);
        let data = b.data.get(..caplen).unwrap_or(b.data);
        self.st
            .packet(frame, byte, time, true, self.legacy_link, data);
        Step::Next
    }

    /// An Enhanced Packet Block: time from its interface's resolution and offset.
    fn enhanced(&mut self, byte: u64, epb: &EnhancedPacketBlock<'_>) {
        let frame = self.next_frame();
        match usize::try_from(epb.if_id)
            .ok()
            .and_then(|i| self.ifaces.get(i))
        {
            Some(ifc) => {
                let ts = (u64::from(epb.ts_high) << 32) | u64::from(epb.ts_low);
                let time = pcapng_time(ts, ifc.tsresol, ifc.tsoffset);
                let linktype = ifc.linktype;
                self.st
                    .packet(frame, byte, time, true, linktype, epb.packet_data());
            }
            None => {
                let why = format!(
                    "packet names interface {} but the section describes {}: skipped",
                    epb.if_id,
                    self.ifaces.len()
                );
                self.st.problem(frame, byte, why);
            }
        }
    }

    /// A Simple Packet Block: interface 0, no timestamp (the previous packet's time is used).
    fn simple(&mut self, byte: u64, spb: &SimplePacketBlock<'_>) {
        let frame = self.next_frame();
        let Some(ifc) = self.ifaces.first().copied() else {
            self.st.problem(
                frame,
                byte,
                "simple packet before any interface description: skipped",
            );
            return;
        };
        if !self.spb_reported {
            self.spb_reported = true;
            self.st.problem(
                frame,
                byte,
                "simple packet blocks carry no timestamp: in this section they \
                 get the previous packet's time",
            );
        }
        let time = self.st.prev_time.unwrap_or(UtcTime::from_unix_nanos(0, 0));
        let mut data = spb.packet_data();
        if ifc.snaplen != 0 {
            let snap = usize::try_from(ifc.snaplen).unwrap_or(usize::MAX);
            data = data.get(..snap).unwrap_or(data);
        }
        self.st.packet(frame, byte, time, false, ifc.linktype, data);
    }
}
