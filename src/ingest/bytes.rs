//! Checked fixed-width reads from byte slices: the one place ingest turns bytes at an offset into
//! integers. Every read is bounds- and overflow-checked and returns `None` when the `N` bytes at
//! `at` are not all inside the slice; nothing here panics or slices unchecked.
//!
//! Byte orders: `le*` little-endian (EVT, NetMon and pcap/pcapng files written on x86, MS-EVEN
//! §2.2.3, NetMon 2.x header), `be*` big-endian ("network order": IPv4/IPv6/TCP/UDP headers,
//! DNS, NBNS and DHCP messages, RFC 791/793/1035/1002/2131).

// Input reaches this module: no unwrap/expect/indexing outside tests (issue 18 §4).
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

/// The `N` bytes at `at`, or `None` when they are not all inside `b`.
pub fn array<const N: usize>(b: &[u8], at: usize) -> Option<[u8; N]> {
    b.get(at..at.checked_add(N)?)?.try_into().ok()
}

/// Little-endian `u16` at byte offset `at`.
pub fn le16(b: &[u8], at: usize) -> Option<u16> {
    array(b, at).map(u16::from_le_bytes)
}

/// Little-endian `u32` at byte offset `at`.
pub fn le32(b: &[u8], at: usize) -> Option<u32> {
    array(b, at).map(u32::from_le_bytes)
}

/// Little-endian `u64` at byte offset `at`.
pub fn le64(b: &[u8], at: usize) -> Option<u64> {
    array(b, at).map(u64::from_le_bytes)
}

/// Big-endian (network order) `u16` at byte offset `at`.
pub fn be16(b: &[u8], at: usize) -> Option<u16> {
    array(b, at).map(u16::from_be_bytes)
}

/// Big-endian (network order) `u32` at byte offset `at`.
pub fn be32(b: &[u8], at: usize) -> Option<u32> {
    array(b, at).map(u32::from_be_bytes)
}

/// Signed 64-bit at byte offset `at`, big-endian when `big_endian`, else little-endian (pcapng
/// options follow the byte order of their section, pcapng draft §3.1).
pub fn i64_in(b: &[u8], at: usize, big_endian: bool) -> Option<i64> {
    array(b, at).map(if big_endian {
        i64::from_be_bytes
    } else {
        i64::from_le_bytes
    })
}

/// The IPv4 address in the 4 bytes of `b` at `at`, if `b` holds them.
pub fn ipv4_at(b: &[u8], at: usize) -> Option<std::net::Ipv4Addr> {
    b.get(at..)?
        .first_chunk::<4>()
        .map(|a| std::net::Ipv4Addr::from(*a))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_in_both_orders_and_refuses_short_or_overflowing_ranges() {
        let b = [1, 2, 3, 4, 5, 6, 7, 8];
        assert_eq!(le16(&b, 0), Some(0x0201));
        assert_eq!(be16(&b, 0), Some(0x0102));
        assert_eq!(le32(&b, 4), Some(0x0807_0605));
        assert_eq!(be32(&b, 4), Some(0x0506_0708));
        assert_eq!(le64(&b, 0), Some(0x0807_0605_0403_0201));
        assert_eq!(i64_in(&b, 0, true), Some(0x0102_0304_0506_0708));
        assert_eq!(le32(&b, 5), None);
        assert_eq!(be16(&b, usize::MAX), None);
        assert_eq!(le64(&[], 0), None);
    }
}
