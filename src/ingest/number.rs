//! Numbers and hex blobs as event logs print them in text: the `evtx` crate's JSON rendering
//! and Event Viewer XML exports both write `Keywords` as `0x…` hex and the other System values
//! as decimal (MS-EVEN6 event schema `System` types `hexInt64` / `unsignedInt`), and
//! `<Binary>` as an even-length run of hex digits, two per byte, most significant first.

// Input reaches this module: no unwrap/expect/indexing outside tests (issue 18 §4).
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

/// A decimal or `0x`/`0X`-prefixed hexadecimal unsigned integer, surrounding whitespace
/// ignored; `None` when it is neither or does not fit in 64 bits.
pub fn parse_u64(s: &str) -> Option<u64> {
    let s = s.trim();
    match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        Some(hex) => u64::from_str_radix(hex, 16).ok(),
        None => s.parse().ok(),
    }
}

/// Bytes from hex text (either case, surrounding whitespace ignored); `None` when it is not an
/// even number of hex digits.
pub fn decode_hex(s: &str) -> Option<Vec<u8>> {
    let b = s.trim().as_bytes();
    if b.len() % 2 != 0 {
        return None;
    }
    b.chunks_exact(2)
        .map(|p| {
            let hi = char::from(*p.first()?).to_digit(16)?;
            let lo = char::from(*p.get(1)?).to_digit(16)?;
            u8::try_from(hi * 16 + lo).ok()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_hex_and_blobs() {
        assert_eq!(parse_u64(" 4226 "), Some(4226));
        assert_eq!(parse_u64("0x80000000000000"), Some(0x80_0000_0000_0000));
        assert_eq!(parse_u64("0X1f"), Some(31));
        assert_eq!(parse_u64("zz"), None);
        assert_eq!(decode_hex("0A0b"), Some(vec![0x0a, 0x0b]));
        assert_eq!(decode_hex("abc"), None);
        assert_eq!(decode_hex("+a"), None);
        assert_eq!(decode_hex(""), Some(vec![]));
    }
}
