//! Microsoft Network Monitor 2.x capture files (`.cap`, magic `GMBU`), as Wireshark 4.x
//! `wiretap/netmon.c` reads them (Network Monitor 3.x help, "Capture File Format"; see
//! `research/pcap.md` §4.3). Little-endian throughout.
//!
//! Layout:
//! - a 128-byte header: magic (4), `ver_minor` u8 (4), `ver_major` u8 (5), `network` u16 (6),
//!   capture start as a SYSTEMTIME (8 × u16 at 8: year, month, day of week, day, hour, minute,
//!   second, millisecond), `frametableoffset` u32 (24), `frametablelength` u32 (28, bytes; 4 per
//!   frame), then user data, comment, process-info and network-info offsets we do not need;
//! - the **frame table**: one u32 file offset per frame, usually written after the last frame.
//!   Frames need not be contiguous, so they are read where the table says, in table order;
//! - each frame: `ts_delta` u64 (µs since the start), `orig_len` u32, `incl_len` u32, `incl_len`
//!   bytes, then a trailer from version 2.1 on: `network` u16 (2.1), + process-info index u32
//!   (2.2), + UTC FILETIME u64 and time-zone index u8 (2.3, 15 bytes in all).
//!
//! Time: 2.3 frames carry a UTC FILETIME, which is used (7 digits). Older frames are `start +
//! ts_delta`; Wireshark multiplies `ts_delta` by 10 and reads the product as a *signed* count of
//! 100 ns (a frame may precede the start), and so do we (6 digits). The SYSTEMTIME has no zone:
//! Wireshark takes it as the reading PC's local time; we take it as **UTC** and add one
//! [`Problem`] (at byte 8) saying so, since XP-era NetMon wrote the capturing PC's clock. Use
//! `--clock-offset` when the capture PC ran local time.
//!
//! Network (MAC) type, from the header for 2.0 and from each frame's trailer from 2.1 on
//! (Wireshark's `netmon_encap` table and special values):
//! - 0 and 1 Ethernet (0 is seen in NetMon 3.4 VPN captures), 3 FDDI, 7/8/9 raw IP,
//!   `0xE000 + n` a converted pcap file with LINKTYPE `n`: decoded like pcap;
//! - 2 Token Ring, 4 NDIS WAN/ATM, 5 IP over 1394, 6 802.11 with NetMon's radio header, 10, 11,
//!   `0xE080`–`0xE08A` (Message Analyzer types) and unknown values: counted, not decoded, one
//!   [`Problem`] per type;
//! - `0xFFE0` (ETW NetEvent), `0xFFFB` (network info ex), `0xFFFF` (NetMon filter): metadata
//!   records that Wireshark shows as frames: counted and numbered, nothing to decode;
//! - `0xFFFC` (payload header), `0xFFFD` (network info), `0xFFFE` (DNS cache): metadata that
//!   Wireshark skips without a frame number; so do we (not counted), keeping our frame numbers
//!   equal to tshark's.
//!
//! Damage (each a [`Problem`] with the frame number and the byte offset): a frame-table entry
//! pointing outside the file or a frame running past the end of the file is skipped and counts as
//! a frame; a frame longer than 262 144 bytes (Wireshark's `WTAP_MAX_PACKET_SIZE_STANDARD`) is
//! skipped. A frame table that does not fit in the file means the file was cut (NetMon writes
//! the table last): the frames are then read in sequence from byte 128 up to the cut, keeping
//! every complete frame, and the cut is reported at its offset. NetMon 1.x (`RTSS`) and other
//! major versions are [`HeadError::BadHeader`].

// Input reaches this module: no unwrap/expect/indexing outside tests (issue 18 §4).
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

use super::state::State;
use super::types::{CaptureRead, HeadError, MAX_PACKET, TcpPacket};
use crate::ingest::bytes::{le16, le32, le64};
use crate::model::{Format, Locator, Problem, UtcTime};
use std::io::{Read, Seek, SeekFrom};

/// NetMon 2.x magic.
pub(super) const MAGIC_2X: [u8; 4] = *b"GMBU";
/// NetMon 1.x magic (not read).
pub(super) const MAGIC_1X: [u8; 4] = *b"RTSS";
/// Header size, magic included.
const HEADER_LEN: u64 = 128;
/// Frame header: ts_delta u64, orig_len u32, incl_len u32.
const FRAME_HEADER_LEN: u64 = 16;

/// What a NetMon network type means for us.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Network {
    /// Decode with this pcap LINKTYPE.
    Link(i32),
    /// A media type we do not decode (name for the problem text).
    Unsupported(&'static str),
    /// A metadata record Wireshark numbers as a frame.
    MetaFrame,
    /// A metadata record Wireshark skips (no frame number).
    MetaSkipped,
}

fn network(n: u16) -> Network {
    match n {
        0 | 1 => Network::Link(1),
        3 => Network::Link(10),
        7..=9 => Network::Link(101),
        2 => Network::Unsupported("Token Ring"),
        4 => Network::Unsupported("NDIS WAN/ATM"),
        5 => Network::Unsupported("IP over IEEE 1394"),
        6 => Network::Unsupported("802.11 with NetMon radio header"),
        0xE080..=0xE08A => Network::Unsupported("Message Analyzer media type"),
        0xE000..=0xEFFF => Network::Link(i32::from(n & 0x0fff)),
        0xFFE0 | 0xFFFB | 0xFFFF => Network::MetaFrame,
        0xFFFC..=0xFFFE => Network::MetaSkipped,
        _ => Network::Unsupported("unknown NetMon network type"),
    }
}

/// The header SYSTEMTIME (8 × u16 at `at`) as UTC, or `None` when it is not a valid date.
fn systemtime_utc(h: &[u8], at: usize) -> Option<UtcTime> {
    let f = |i: usize| le16(h, at + 2 * i).unwrap_or(0);
    let year = i16::try_from(f(0)).ok()?;
    let month = i8::try_from(f(1)).ok()?;
    let day = i8::try_from(f(3)).ok()?;
    let hour = i8::try_from(f(4)).ok()?;
    let minute = i8::try_from(f(5)).ok()?;
    let second = i8::try_from(f(6)).ok()?;
    let ms = i32::from(f(7));
    if ms > 999 {
        return None;
    }
    let dt =
        jiff::civil::DateTime::new(year, month, day, hour, minute, second, ms * 1_000_000).ok()?;
    let ts = dt.to_zoned(jiff::tz::TimeZone::UTC).ok()?.timestamp();
    let nanos = i64::try_from(ts.as_nanosecond()).ok()?;
    Some(UtcTime::from_unix_nanos(nanos, 6))
}

/// Random-access reader that avoids a seek when frames follow each other.
struct At<R> {
    r: R,
    pos: u64,
}

impl<R: Read + Seek> At<R> {
    fn read(&mut self, off: u64, buf: &mut [u8]) -> std::io::Result<()> {
        if off != self.pos {
            self.r.seek(SeekFrom::Start(off))?;
            self.pos = off;
        }
        self.r.read_exact(buf)?;
        self.pos = off + buf.len() as u64;
        Ok(())
    }
}

/// Why one frame could not be read.
enum FrameError {
    /// Reported as a problem; reading goes on with the next table entry.
    Skip(String),
    /// Reported as a problem; reading stops (I/O error, or the end of a sequential walk).
    Stop(String),
}

/// Reads a NetMon 2.x capture (layout, time and damage rules: the `capture/netmon.rs` module
/// docs) from a seekable source (a file, or an in-memory image), calling
/// `on_tcp` per TCP packet in frame-table order. Errors: [`HeadError::BadHeader`] for a cut
/// header, NetMon 1.x or another major version; [`HeadError::Io`] when the size cannot be read.
pub fn read_netmon<R: Read + Seek>(
    input: R,
    on_tcp: &mut dyn FnMut(&TcpPacket),
) -> Result<CaptureRead, HeadError> {
    let mut input = input;
    let file_len = input.seek(SeekFrom::End(0)).map_err(HeadError::Io)?;
    let mut at = At {
        r: input,
        pos: file_len,
    };
    let Header {
        minor,
        header_net,
        start,
        ft_off,
        ft_len,
        trailer_len,
    } = read_header(&mut at, file_len)?;
    let mut st = State::new(Format::Netmon, on_tcp);
    let start_time = match start {
        Some(t) => t,
        None => {
            if minor < 3 {
                st.out.problems.push(Problem::new(
                    Locator::Byte(8),
                    "NetMon capture start time is not a valid date: frame times count from \
                     1970-01-01",
                ));
            }
            UtcTime::from_unix_nanos(0, 6)
        }
    };
    let mut rd = Frames {
        minor,
        header_net,
        start: start_time,
        trailer_len,
        file_len,
        unsupported: Vec::new(),
        used_header_time: false,
    };

    if ft_len % 4 != 0 {
        st.out.problems.push(Problem::new(
            Locator::Byte(28),
            format!(
                "NetMon frame table length {ft_len} is not a multiple of 4: the last {} bytes \
                 are ignored",
                ft_len % 4
            ),
        ));
    }
    let entries = ft_len / 4;
    let table_fits = ft_off >= HEADER_LEN && ft_off.saturating_add(entries * 4) <= file_len;
    let mut table = Vec::new();
    let mut table_ok = table_fits;
    if table_fits && entries > 0 {
        // entries * 4 <= file_len, so this allocation is bounded by the file size.
        let mut raw = vec![0u8; (entries * 4) as usize];
        if at.read(ft_off, &mut raw).is_ok() {
            table = raw
                .chunks_exact(4)
                .map(|c| le32(c, 0).unwrap_or(0))
                .collect();
        } else {
            table_ok = false;
        }
    }
    let frames_end = if (HEADER_LEN..=file_len).contains(&ft_off) {
        ft_off
    } else {
        file_len
    };
    if !table_ok || (entries == 0 && frames_end > HEADER_LEN) {
        let why = if entries == 0 {
            format!(
                "NetMon frame table is empty but {} bytes follow the header: frames are read in \
                 sequence from byte {HEADER_LEN}",
                frames_end - HEADER_LEN
            )
        } else {
            format!(
                "NetMon frame table ({entries} entries at byte {ft_off}) does not fit in the \
                 {file_len}-byte file (cut?): frames are read in sequence from byte {HEADER_LEN}"
            )
        };
        st.out
            .problems
            .push(Problem::new(Locator::Byte(ft_off.min(file_len)), why));
        rd.walk(&mut at, &mut st, frames_end);
    } else {
        for &off in &table {
            let off = u64::from(off);
            match rd.frame(&mut at, &mut st, off) {
                Ok(_) => {}
                Err(FrameError::Skip(why)) => {
                    st.out.packets += 1;
                    let n = st.out.packets;
                    st.problem(n, off, why);
                }
                Err(FrameError::Stop(why)) => {
                    st.out.packets += 1;
                    let n = st.out.packets;
                    st.problem(n, off, why);
                    break;
                }
            }
        }
    }
    if rd.used_header_time && start.is_some() {
        st.out.guesses.push(Problem::new(
            Locator::Byte(8),
            "NetMon 2.x start time has no time zone: read as UTC (Wireshark reads it as local \
             time); use --clock-offset if the capturing PC ran local time",
        ));
    }
    st.finish();
    Ok(st.out)
}

/// The NetMon 2.x file header fields the reader uses (Network Monitor 2.x capture file
/// header, 0x48 bytes, little-endian).
struct Header {
    /// Minor version (byte 4): decides the per-frame trailer and whether frames carry UTC.
    minor: u8,
    /// MAC type (bytes 6–7): the network type of every frame when frames carry none.
    header_net: u16,
    /// Capture start (SYSTEMTIME at byte 8), `None` when not a valid date.
    start: Option<UtcTime>,
    /// Frame table offset (byte 24).
    ft_off: u64,
    /// Frame table length in bytes (byte 28).
    ft_len: u64,
    /// Bytes of trailer after each frame's data (by minor version: 0, 2, 6, then 15).
    trailer_len: u64,
}

/// Reads and checks the file header of a `file_len`-byte capture.
/// Checks the magic and major version in a capture's first bytes, before a caller inflates the
/// rest into memory. Errors: as [`read_netmon`]'s for NetMon 1.x, a wrong magic or major version.
pub(super) fn check_version(head: &[u8]) -> Result<(), HeadError> {
    let bad = |reason: String| HeadError::BadHeader {
        format: Format::Netmon,
        reason,
    };
    match (head.get(0..4), head.get(5)) {
        (Some(m), _) if m == MAGIC_1X => Err(bad(
            "Network Monitor 1.x capture (RTSS) is not supported".into(),
        )),
        (Some(m), Some(&major)) if m == MAGIC_2X && major != 2 => Err(bad(format!(
            "NetMon major version {major} is not supported"
        ))),
        _ => Ok(()),
    }
}

/// Errors: [`HeadError::BadHeader`] for a cut header, NetMon 1.x, a wrong magic or major version.
fn read_header<R: Read + Seek>(at: &mut At<R>, file_len: u64) -> Result<Header, HeadError> {
    let bad = |reason: String| HeadError::BadHeader {
        format: Format::Netmon,
        reason,
    };
    let mut h = [0u8; HEADER_LEN as usize];
    if file_len < HEADER_LEN || at.read(0, &mut h).is_err() {
        return Err(bad(format!(
            "NetMon header cut: {file_len} of {HEADER_LEN} bytes"
        )));
    }
    if h[0..4] == MAGIC_1X {
        return Err(bad(
            "Network Monitor 1.x capture (RTSS) is not supported".into()
        ));
    }
    if h[0..4] != MAGIC_2X {
        return Err(bad("not a NetMon magic number".into()));
    }
    let (minor, major) = (h[4], h[5]);
    if major != 2 {
        return Err(bad(format!(
            "NetMon major version {major} is not supported"
        )));
    }
    let header_net = le16(&h, 6).unwrap_or(0);
    let start = systemtime_utc(&h, 8);
    let ft_off = u64::from(le32(&h, 24).unwrap_or(0));
    let ft_len = u64::from(le32(&h, 28).unwrap_or(0));
    let trailer_len: u64 = match minor {
        0 => 0,
        1 => 2,
        2 => 6,
        _ => 15,
    };
    Ok(Header {
        minor,
        header_net,
        start,
        ft_off,
        ft_len,
        trailer_len,
    })
}

/// Per-file frame reading settings and state.
struct Frames {
    minor: u8,
    header_net: u16,
    start: UtcTime,
    trailer_len: u64,
    file_len: u64,
    /// Unsupported network types already reported.
    unsupported: Vec<u16>,
    /// Whether a frame took its time from the header start (versions before 2.3).
    used_header_time: bool,
}

impl Frames {
    /// Reads frames one after the other from byte 128 to `end` (no usable frame table).
    fn walk<R: Read + Seek>(&mut self, at: &mut At<R>, st: &mut State<'_>, end: u64) {
        let mut off = HEADER_LEN;
        while off < end {
            let left = end - off;
            let need = FRAME_HEADER_LEN + self.trailer_len;
            if left < need {
                st.out.problems.push(Problem::new(
                    Locator::Byte(off),
                    "file cut in the middle of a record: the rest is lost",
                ));
                return;
            }
            match self.frame(at, st, off) {
                Ok(size) if off.saturating_add(size) <= end => off += size,
                Ok(_) => {
                    st.out.problems.push(Problem::new(
                        Locator::Byte(off),
                        format!("frame runs into the frame table at byte {end}: reading stops"),
                    ));
                    return;
                }
                Err(FrameError::Skip(why) | FrameError::Stop(why)) => {
                    let why = if why.contains("past the end") {
                        "file cut in the middle of a record: the rest is lost".to_string()
                    } else {
                        format!("{why}; reading stops (no frame table to resume from)")
                    };
                    st.out.problems.push(Problem::new(Locator::Byte(off), why));
                    return;
                }
            }
        }
    }

    /// Reads and decodes the frame at `off`; returns its size in the file (header, data,
    /// trailer). Counts it (unless Wireshark skips it) on success.
    fn frame<R: Read + Seek>(
        &mut self,
        at: &mut At<R>,
        st: &mut State<'_>,
        off: u64,
    ) -> Result<u64, FrameError> {
        if off < HEADER_LEN || off.saturating_add(FRAME_HEADER_LEN) > self.file_len {
            return Err(FrameError::Skip(format!(
                "frame table entry points to byte {off}, outside the {}-byte file: skipped",
                self.file_len
            )));
        }
        let mut fh = [0u8; FRAME_HEADER_LEN as usize];
        at.read(off, &mut fh)
            .map_err(|e| FrameError::Stop(format!("read error ({e}): the rest is not read")))?;
        let delta = le64(&fh, 0).unwrap_or(0);
        let incl = le32(&fh, 12).unwrap_or(0);
        if incl > MAX_PACKET {
            return Err(FrameError::Skip(format!(
                "frame length {incl} above {MAX_PACKET} (corrupt): skipped"
            )));
        }
        let size = FRAME_HEADER_LEN + u64::from(incl) + self.trailer_len;
        if off + size > self.file_len {
            return Err(FrameError::Skip(format!(
                "frame of {size} bytes runs past the end of the {}-byte file (cut): skipped",
                self.file_len
            )));
        }
        let mut data = vec![0u8; incl as usize + self.trailer_len as usize];
        at.read(off + FRAME_HEADER_LEN, &mut data)
            .map_err(|e| FrameError::Stop(format!("read error ({e}): the rest is not read")))?;
        let (payload, trailer) = data.split_at(incl as usize);
        let net = if self.minor >= 1 {
            le16(trailer, 0).unwrap_or(0)
        } else {
            self.header_net
        };
        let time = if self.minor >= 3 {
            UtcTime::from_filetime(le64(trailer, 6).unwrap_or(0))
        } else {
            self.used_header_time = true;
            // Wireshark: ×10 as a signed count of 100 ns.
            let hundred_ns = delta.wrapping_mul(10) as i64;
            self.start.plus_nanos(hundred_ns.saturating_mul(100))
        };
        match network(net) {
            Network::MetaSkipped => {}
            Network::MetaFrame => {
                st.out.packets += 1;
                st.saw_time(time);
            }
            Network::Link(linktype) => {
                st.out.packets += 1;
                let n = st.out.packets;
                st.packet(n, off, time, true, linktype, payload);
            }
            Network::Unsupported(name) => {
                st.out.packets += 1;
                let n = st.out.packets;
                st.saw_time(time);
                if !self.unsupported.contains(&net) {
                    self.unsupported.push(net);
                    st.problem(
                        n,
                        off,
                        format!(
                            "NetMon network type {net:#06x} ({name}) not decoded: its frames are \
                             counted only"
                        ),
                    );
                }
            }
        }
        Ok(size)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::io::Cursor;

    #[test]
    fn network_types_map_like_wiresharks_netmon_encap_table() {
        assert_eq!(network(0), Network::Link(1));
        assert_eq!(network(1), Network::Link(1));
        assert_eq!(network(3), Network::Link(10));
        assert_eq!(network(9), Network::Link(101));
        assert_eq!(network(0xE000 + 113), Network::Link(113));
        assert_eq!(network(2), Network::Unsupported("Token Ring"));
        assert_eq!(
            network(0xE083),
            Network::Unsupported("Message Analyzer media type")
        );
        assert_eq!(network(0xFFE0), Network::MetaFrame);
        assert_eq!(network(0xFFFE), Network::MetaSkipped);
    }

    #[test]
    fn systemtime_is_read_as_utc_and_invalid_dates_are_none() {
        let mut h = [0u8; 24];
        for (i, v) in [2016u16, 1, 5, 8, 20, 59, 15, 320].iter().enumerate() {
            h[8 + 2 * i..10 + 2 * i].copy_from_slice(&v.to_le_bytes());
        }
        assert_eq!(
            systemtime_utc(&h, 8).map(|t| t.unix_nanos()),
            Some(1_452_286_755_320_000_000)
        );
        h[10] = 13; // month 13
        assert_eq!(systemtime_utc(&h, 8), None);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        #[test]
        fn mutated_netmon_never_panics(pos in 0usize..400, val in any::<u8>(), cut in 0usize..400) {
            let mut f = vec![0u8; 128];
            f[0..4].copy_from_slice(b"GMBU");
            f[4] = 3;
            f[5] = 2;
            let frame = [0u8; 60];
            let mut table = Vec::new();
            for _ in 0..3 {
                table.push(f.len() as u32);
                f.extend(0u64.to_le_bytes());
                f.extend(60u32.to_le_bytes());
                f.extend(60u32.to_le_bytes());
                f.extend(frame);
                f.extend([1, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 0]);
            }
            let ft = f.len() as u32;
            f[24..28].copy_from_slice(&ft.to_le_bytes());
            f[28..32].copy_from_slice(&12u32.to_le_bytes());
            for t in table {
                f.extend(t.to_le_bytes());
            }
            let n = f.len();
            f[pos % n] = val;
            f.truncate(n - cut % n);
            let _ = read_netmon(Cursor::new(f), &mut |_| {});
        }
    }
}
