//! Byte-to-text decoding for saved netstat files.
//!
//! Order of the checks (research note `netstat.md` §3): a byte-order mark (`FF FE` UTF-16LE,
//! `FE FF` UTF-16BE, `EF BB BF` UTF-8; PowerShell 5.1 `>` writes UTF-16LE with BOM), then a NUL
//! pattern (UTF-16 without BOM), then strict UTF-8, then the console (OEM) code pages whose
//! decoding shows a known localized `Active Connections` title (CP932 Japanese, CP936 Chinese,
//! CP866 Russian), and last CP437, the US OEM code page `cmd.exe` writes with `netstat > f.txt`.
//! CP437 maps every byte, so decoding never fails.

use encoding_rs::{Encoding, GBK, IBM866, SHIFT_JIS, UTF_8, UTF_16BE, UTF_16LE};
use std::borrow::Cow;

/// Name reported for the CP437 fallback (the WHATWG-style label `encoding_rs` would use).
pub(super) const CP437_NAME: &str = "IBM437";

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
    (
        Cow::Owned(bytes.iter().map(|&b| cp437_char(b)).collect()),
        CP437_NAME,
    )
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

/// One CP437 byte as a `char` (ASCII below 0x80, table above).
fn cp437_char(b: u8) -> char {
    if b < 0x80 {
        char::from(b)
    } else {
        CP437_HIGH
            .get(usize::from(b - 0x80))
            .copied()
            .unwrap_or('\u{fffd}')
    }
}

/// CP437 bytes 0x80..=0xFF (IBM PC character set; checked against Python's `cp437` codec).
const CP437_HIGH: [char; 128] = [
    '\u{00c7}', '\u{00fc}', '\u{00e9}', '\u{00e2}', '\u{00e4}', '\u{00e0}', '\u{00e5}', '\u{00e7}',
    '\u{00ea}', '\u{00eb}', '\u{00e8}', '\u{00ef}', '\u{00ee}', '\u{00ec}', '\u{00c4}', '\u{00c5}',
    '\u{00c9}', '\u{00e6}', '\u{00c6}', '\u{00f4}', '\u{00f6}', '\u{00f2}', '\u{00fb}', '\u{00f9}',
    '\u{00ff}', '\u{00d6}', '\u{00dc}', '\u{00a2}', '\u{00a3}', '\u{00a5}', '\u{20a7}', '\u{0192}',
    '\u{00e1}', '\u{00ed}', '\u{00f3}', '\u{00fa}', '\u{00f1}', '\u{00d1}', '\u{00aa}', '\u{00ba}',
    '\u{00bf}', '\u{2310}', '\u{00ac}', '\u{00bd}', '\u{00bc}', '\u{00a1}', '\u{00ab}', '\u{00bb}',
    '\u{2591}', '\u{2592}', '\u{2593}', '\u{2502}', '\u{2524}', '\u{2561}', '\u{2562}', '\u{2556}',
    '\u{2555}', '\u{2563}', '\u{2551}', '\u{2557}', '\u{255d}', '\u{255c}', '\u{255b}', '\u{2510}',
    '\u{2514}', '\u{2534}', '\u{252c}', '\u{251c}', '\u{2500}', '\u{253c}', '\u{255e}', '\u{255f}',
    '\u{255a}', '\u{2554}', '\u{2569}', '\u{2566}', '\u{2560}', '\u{2550}', '\u{256c}', '\u{2567}',
    '\u{2568}', '\u{2564}', '\u{2565}', '\u{2559}', '\u{2558}', '\u{2552}', '\u{2553}', '\u{256b}',
    '\u{256a}', '\u{2518}', '\u{250c}', '\u{2588}', '\u{2584}', '\u{258c}', '\u{2590}', '\u{2580}',
    '\u{03b1}', '\u{00df}', '\u{0393}', '\u{03c0}', '\u{03a3}', '\u{03c3}', '\u{00b5}', '\u{03c4}',
    '\u{03a6}', '\u{0398}', '\u{03a9}', '\u{03b4}', '\u{221e}', '\u{03c6}', '\u{03b5}', '\u{2229}',
    '\u{2261}', '\u{00b1}', '\u{2265}', '\u{2264}', '\u{2320}', '\u{2321}', '\u{00f7}', '\u{2248}',
    '\u{00b0}', '\u{2219}', '\u{00b7}', '\u{221a}', '\u{207f}', '\u{00b2}', '\u{25a0}', '\u{00a0}',
];

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
