//! Byte-to-text decoding for saved netstat files.
//!
//! Order of the checks (research note `netstat.md` §3): a byte-order mark (`FF FE` UTF-16LE,
//! `FE FF` UTF-16BE, `EF BB BF` UTF-8; PowerShell 5.1 `>` writes UTF-16LE with BOM), then a NUL
//! pattern (UTF-16 without BOM), then strict UTF-8, then the console (OEM) code pages whose
//! decoding shows a known localized `Active Connections` title (CP932 Japanese, CP936 Chinese,
//! CP866 Russian), then CP850 (the Western European OEM page) when a German, French or Spanish
//! heading shows, and last CP437, the US OEM code page `cmd.exe` writes with `netstat > f.txt`.
//! CP437 and CP850 (tables from the `oem_cp` crate) map every byte, so decoding never fails.

// Input reaches this module: no unwrap/expect/indexing outside tests (issue 18 §4).
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

use encoding_rs::{Encoding, GBK, IBM866, SHIFT_JIS, UTF_8, UTF_16BE, UTF_16LE};
use oem_cp::code_table::{DECODING_TABLE_CP437, DECODING_TABLE_CP850};
use oem_cp::decode_string_complete_table;
use std::borrow::Cow;

/// Name reported for the CP437 fallback (the WHATWG-style label `encoding_rs` would use).
pub(super) const CP437_NAME: &str = "IBM437";
/// Name reported for CP850 (Western European console code page).
pub(super) const CP850_NAME: &str = "IBM850";

/// Text of `bytes` and the name of the encoding used. Never fails: bad sequences become U+FFFD
/// (for UTF-16/UTF-8) or their CP437 characters.
pub(super) fn decode(bytes: &[u8]) -> (Cow<'_, str>, &'static str) {
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        let rest = bytes.get(bom_len..).unwrap_or_default();
        let (text, _) = enc.decode_without_bom_handling(rest);
        return (text, enc.name());
    }
    if let Some(enc) = utf16_without_bom(bytes) {
        let (text, _) = enc.decode_without_bom_handling(bytes);
        return (text, enc.name());
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => return (Cow::Borrowed(s), UTF_8.name()),
        // Only an incomplete sequence at the very end (e.g. a head cut at 8 KiB): still UTF-8.
        Err(e) if e.error_len().is_none() => return (String::from_utf8_lossy(bytes), UTF_8.name()),
        Err(_) => {}
    }
    // Each OEM page only when its own language's heading shows (an ASCII German heading must
    // not make a file Shift_JIS).
    for (enc, heading) in [
        (SHIFT_JIS, "アクティブな接続"),
        (GBK, "活动连接"),
        (IBM866, "Активные подключения"),
    ] {
        if let Some(text) = enc.decode_without_bom_handling_and_without_replacement(bytes)
            && text.lines().any(|l| l.trim() == heading)
        {
            return (text, enc.name());
        }
    }
    // CP437 first (US); a German, French or Spanish heading means a Western European console,
    // whose OEM page is CP850 (they differ in 0x9B..=0x9F and most of 0xB5..=0xFE).
    let cp437 = decode_string_complete_table(bytes, &DECODING_TABLE_CP437);
    let western = [
        "Aktive Verbindungen",
        "Connexions actives",
        "Conexiones activas",
    ];
    if cp437.lines().any(|l| western.contains(&l.trim())) {
        let cp850 = decode_string_complete_table(bytes, &DECODING_TABLE_CP850);
        return (Cow::Owned(cp850), CP850_NAME);
    }
    (Cow::Owned(cp437), CP437_NAME)
}

/// UTF-16 without BOM: in the first 4 KiB, NUL bytes are common at one parity and absent at the
/// other (ASCII text in UTF-16). Returns the byte order or `None`.
fn utf16_without_bom(bytes: &[u8]) -> Option<&'static Encoding> {
    let sample = bytes.get(..bytes.len().min(4096)).unwrap_or_default();
    let pairs = sample.len() / 2;
    if pairs < 4 {
        return None;
    }
    let (mut even_nul, mut odd_nul) = (0usize, 0usize);
    for (i, b) in sample.iter().enumerate() {
        if *b == 0 {
            if i % 2 == 0 {
                even_nul += 1;
            } else {
                odd_nul += 1;
            }
        }
    }
    if odd_nul * 2 > pairs && even_nul * 20 < pairs {
        Some(UTF_16LE)
    } else if even_nul * 2 > pairs && odd_nul * 20 < pairs {
        Some(UTF_16BE)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16le_bom_is_decoded_and_named() {
        let mut b = vec![0xFF, 0xFE];
        for u in "TCP".encode_utf16() {
            b.extend_from_slice(&u.to_le_bytes());
        }
        let (t, name) = decode(&b);
        assert_eq!((t.as_ref(), name), ("TCP", "UTF-16LE"));
    }

    #[test]
    fn utf16be_without_bom_is_detected() {
        let mut b = Vec::new();
        for u in "  TCP    0.0.0.0:135".encode_utf16() {
            b.extend_from_slice(&u.to_be_bytes());
        }
        let (t, name) = decode(&b);
        assert_eq!((t.as_ref(), name), ("  TCP    0.0.0.0:135", "UTF-16BE"));
    }

    #[test]
    fn cp437_fallback_maps_0x99_to_o_umlaut() {
        let (t, name) = decode(b"ABH\x99REN \xff");
        assert_eq!((t.as_ref(), name), ("ABH\u{d6}REN \u{a0}", "IBM437"));
    }

    #[test]
    fn cp850_when_a_western_heading_shows() {
        // 0x9D is `Ø` in CP850 and `¥` in CP437; the German heading selects CP850.
        let (t, name) = decode(b"Aktive Verbindungen\r\n\x9D \x99");
        assert_eq!(
            (t.as_ref(), name),
            ("Aktive Verbindungen\r\n\u{d8} \u{d6}", "IBM850")
        );
    }

    #[test]
    fn cp866_russian_heading_is_recognised() {
        let (bytes, _, _) = IBM866.encode("Активные подключения\r\n");
        let (t, name) = decode(&bytes);
        assert_eq!((t.as_ref(), name), ("Активные подключения\r\n", "IBM866"));
    }

    #[test]
    fn utf8_bom_is_stripped() {
        let (t, name) = decode(b"\xEF\xBB\xBFActive Connections");
        assert_eq!((t.as_ref(), name), ("Active Connections", "UTF-8"));
    }
}
