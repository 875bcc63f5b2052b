//! pcapng interfaces and timestamps (draft-ietf-opsawg-pcapng §4.2 Interface Description Block,
//! options 9 `if_tsresol` and 14 `if_tsoffset`; §4.3 Enhanced Packet Block timestamps).
//!
//! Computed here, not with `pcap-parser`'s helpers (they reject base-2 `if_tsresol`, wrap
//! seconds at 2106 and read `if_tsoffset` little-endian in big-endian sections).

// Input reaches this module: no unwrap/expect/indexing outside tests (issue 18 §4).
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

use crate::ingest::bytes::i64_in;
use crate::model::UtcTime;

/// The interface facts needed per packet (pcapng IDB).
#[derive(Debug, Clone, Copy)]
pub(super) struct Iface {
    /// pcap LINKTYPE_* number of the interface.
    pub(super) linktype: i32,
    /// Snap length in bytes (0: none).
    pub(super) snaplen: u32,
    /// `if_tsresol` raw byte (MSB: base 2).
    pub(super) tsresol: u8,
    /// `if_tsoffset` seconds.
    pub(super) tsoffset: i64,
}

/// pcapng timestamp `ts` in units of `tsresol` plus `tsoffset` s → (Unix ns, digits).
/// Saturates outside i64 ns (years 1677–2262).
pub(super) fn pcapng_time(ts: u64, tsresol: u8, tsoffset: i64) -> UtcTime {
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
pub(super) fn iface_of(
    idb: &pcap_parser::pcapng::InterfaceDescriptionBlock<'_>,
    big_endian: bool,
) -> Iface {
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
                if let Some(o) = i64_in(v, 0, big_endian) {
                    tsoffset = o;
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

/// Option codes every block may carry (draft-ietf-opsawg-pcapng §3.5: `opt_endofopt`,
/// `opt_comment`, the custom options 2988, 2989, 19372, 19373).
const COMMON_OPTIONS: &[u16] = &[0, 1, 2988, 2989, 19372, 19373];

/// Why a pcapng block of a type that carries no packet does not follow its type's layout, or
/// `None` if it does. A packet block whose type field lost a bit (6 → 4, 5, 7) still parses as
/// one of these and would drop its packet without a word (issue 18); a real one keeps to its
/// layout: a Name Resolution Block (§4.5) only `nrb_record_ipv4/ipv6/end` records and options
/// 2–4, an Interface Statistics Block (§4.6) a known interface and options 2–8, a systemd
/// Journal Export Block (§4.7) journal text, a Decryption Secrets Block (§4.8) a four-letter
/// secrets type. Types 7 (IRIG timestamp) and 8 (ARINC 429) were experimental and are not
/// written by any current tool (§10.1). `interfaces` is the section's IDB count.
pub(super) fn non_packet_block_damage(
    block: &pcap_parser::Block<'_>,
    interfaces: usize,
) -> Option<String> {
    use pcap_parser::Block;
    let bad_option = |opts: &[pcap_parser::PcapNGOption<'_>],
                      own: std::ops::RangeInclusive<u16>| {
        opts.iter()
            .map(|o| o.code.0)
            .find(|c| !COMMON_OPTIONS.contains(c) && !own.contains(c))
            .map(|c| format!("option code {c} is not one this block type defines"))
    };
    match block {
        Block::NameResolution(nrb) => nrb
            .nr
            .iter()
            .map(|r| r.record_type.0)
            .find(|t| *t > 2)
            .map(|t| format!("name record type {t} is not defined"))
            .or_else(|| bad_option(&nrb.options, 2..=4)),
        Block::InterfaceStatistics(isb) => {
            if usize::try_from(isb.if_id).map_or(true, |i| i >= interfaces) {
                return Some(format!(
                    "interface {} but the section describes {interfaces}",
                    isb.if_id
                ));
            }
            bad_option(&isb.options, 2..=8)
        }
        Block::SystemdJournalExport(j) => (!j.data.first().is_some_and(u8::is_ascii_graphic)
            || !j.data.contains(&b'='))
        .then(|| "its data is not journal export text".to_string()),
        Block::DecryptionSecrets(d) => {
            let tag = d.secrets_type.0.to_be_bytes();
            (!tag.iter().all(u8::is_ascii_graphic)).then(|| {
                format!(
                    "secrets type 0x{:08x} is not a four-letter tag",
                    d.secrets_type.0
                )
            })
        }
        Block::Unknown(u) if matches!(u.block_type, 7 | 8) => Some(format!(
            "type {} was experimental and is not written by current tools",
            u.block_type
        )),
        _ => None,
    }
}
