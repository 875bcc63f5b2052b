//! UTC instants with the precision their source recorded.

use serde::{Serialize, Serializer};
use std::fmt;

/// Seconds between 1601-01-01 and 1970-01-01 (MS-DTYP 2.3.3 FILETIME epoch).
const FILETIME_UNIX_DIFF_S: i64 = 11_644_473_600;

/// A UTC instant: nanoseconds since the Unix epoch, plus how many fractional digits the source
/// had (0 = whole seconds, 6 = µs as in pcap, 7 = 100 ns as in FILETIME, 9 = ns).
///
/// Ordering and equality compare the instant only. `Display` gives RFC 3339 UTC with exactly
/// `digits` fractional digits, e.g. `2026-03-14T10:02:13.1234567Z`; JSON always nine.
#[derive(Debug, Clone, Copy)]
pub struct UtcTime {
    nanos: i64,
    digits: u8,
}

impl UtcTime {
    /// From nanoseconds since 1970-01-01T00:00:00Z; `digits` (clamped to 0..=9) is the source's precision.
    pub fn from_unix_nanos(nanos: i64, digits: u8) -> Self {
        UtcTime {
            nanos,
            digits: digits.min(9),
        }
    }

    /// From whole seconds since the Unix epoch (digits 0).
    pub fn from_unix_secs(secs: i64) -> Self {
        UtcTime::from_unix_nanos(secs.saturating_mul(1_000_000_000), 0)
    }

    /// From a Windows FILETIME: 100-ns intervals since 1601-01-01 UTC (MS-DTYP 2.3.3). 7 digits.
    pub fn from_filetime(ft: u64) -> Self {
        let secs = (ft / 10_000_000) as i64 - FILETIME_UNIX_DIFF_S;
        let sub = (ft % 10_000_000) as i64 * 100;
        UtcTime::from_unix_nanos(secs.saturating_mul(1_000_000_000).saturating_add(sub), 7)
    }

    /// The FILETIME of this instant (100-ns units since 1601), or `None` before 1601.
    pub fn to_filetime(self) -> Option<u64> {
        let t = self.nanos.div_euclid(100) as i128 + FILETIME_UNIX_DIFF_S as i128 * 10_000_000;
        u64::try_from(t).ok()
    }

    /// Parses RFC 3339 (`2026-03-14T10:02:13.25Z`, `…+01:00`). Digits follow the text's fraction.
    pub fn parse_rfc3339(s: &str) -> Option<Self> {
        let ts: jiff::Timestamp = s.trim().parse().ok()?;
        let digits = s
            .split_once('.')
            .map(|(_, frac)| frac.bytes().take_while(u8::is_ascii_digit).count() as u8)
            .unwrap_or(0);
        let nanos = i64::try_from(ts.as_nanosecond()).ok()?;
        Some(UtcTime::from_unix_nanos(nanos, digits))
    }

    /// Nanoseconds since 1970-01-01T00:00:00Z (negative before it).
    pub fn unix_nanos(self) -> i64 {
        self.nanos
    }

    /// Fraction digits the source had (0–9): 7 for FILETIME, 6 or 9 for captures.
    pub fn digits(self) -> u8 {
        self.digits
    }

    /// Seconds (fractional) from `earlier` to `self`.
    pub fn seconds_since(self, earlier: UtcTime) -> f64 {
        (self.nanos as i128 - earlier.nanos as i128) as f64 / 1e9
    }

    /// This instant moved by `nanos` (saturating), same precision.
    pub fn plus_nanos(self, nanos: i64) -> Self {
        UtcTime {
            nanos: self.nanos.saturating_add(nanos),
            digits: self.digits,
        }
    }

    /// This instant moved by `seconds` (fractional, saturating; rounded to whole nanoseconds),
    /// shown with at least millisecond digits when the shift has a fraction.
    pub fn plus_seconds(self, seconds: f64) -> Self {
        if seconds == 0.0 || !seconds.is_finite() {
            return self;
        }
        let nanos = (seconds * 1e9)
            .round()
            .clamp(i64::MIN as f64, i64::MAX as f64) as i64;
        let digits = if nanos % 1_000_000_000 == 0 {
            self.digits
        } else {
            self.digits.max(3)
        };
        UtcTime {
            nanos: self.nanos.saturating_add(nanos),
            digits,
        }
    }

    /// The same instant shown with `digits` fractional digits.
    pub fn with_digits(self, digits: u8) -> Self {
        UtcTime::from_unix_nanos(self.nanos, digits)
    }
}

impl PartialEq for UtcTime {
    fn eq(&self, o: &Self) -> bool {
        self.nanos == o.nanos
    }
}
impl Eq for UtcTime {}
impl PartialOrd for UtcTime {
    fn partial_cmp(&self, o: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for UtcTime {
    fn cmp(&self, o: &Self) -> std::cmp::Ordering {
        self.nanos.cmp(&o.nanos)
    }
}
impl std::hash::Hash for UtcTime {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        self.nanos.hash(h)
    }
}

impl fmt::Display for UtcTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let secs = self.nanos.div_euclid(1_000_000_000);
        let sub = self.nanos.rem_euclid(1_000_000_000) as u32;
        let Ok(ts) = jiff::Timestamp::from_second(secs) else {
            return write!(f, "@{}ns", self.nanos);
        };
        let dt = ts.to_zoned(jiff::tz::TimeZone::UTC).datetime();
        write!(
            f,
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
            dt.year(),
            dt.month(),
            dt.day(),
            dt.hour(),
            dt.minute(),
            dt.second()
        )?;
        if self.digits > 0 {
            let frac = format!("{sub:09}");
            write!(f, ".{}", &frac[..self.digits as usize])?;
        }
        f.write_str("Z")
    }
}

/// JSON: RFC 3339 UTC with exactly nine fraction digits, whatever the source's precision
/// (captures carry nanoseconds; issue 20 §1: one fixed number of digits per format).
impl Serialize for UtcTime {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.with_digits(9))
    }
}

/// An RFC 3339 string (`format: date-time`), as `Serialize` writes it.
impl schemars::JsonSchema for UtcTime {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "UtcTime".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "format": "date-time",
            "description": "RFC 3339, UTC with `Z`, always nine fraction digits (ns).",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filetime_round_trip_keeps_100ns_and_prints_seven_digits() {
        // 2020-09-15T19:28:49.3597720Z (Zerologon sample) as FILETIME, computed with Python datetime.
        let t = UtcTime::parse_rfc3339("2020-09-15T19:28:49.3597720Z").unwrap();
        let ft = t.to_filetime().unwrap();
        assert_eq!(ft, 132_446_717_293_597_720);
        assert_eq!(
            UtcTime::from_filetime(ft).to_string(),
            "2020-09-15T19:28:49.3597720Z"
        );
    }

    #[test]
    fn display_uses_source_precision_and_utc() {
        let t = UtcTime::parse_rfc3339("2026-03-14T11:02:13.25+01:00").unwrap();
        assert_eq!(t.to_string(), "2026-03-14T10:02:13.25Z");
        assert_eq!(
            UtcTime::from_unix_secs(0).to_string(),
            "1970-01-01T00:00:00Z"
        );
        assert_eq!(
            UtcTime::from_unix_nanos(1_500_000_000, 6).to_string(),
            "1970-01-01T00:00:01.500000Z"
        );
    }

    #[test]
    fn before_epoch_formats_with_positive_fraction() {
        let t = UtcTime::from_unix_nanos(-1, 9);
        assert_eq!(t.to_string(), "1969-12-31T23:59:59.999999999Z");
    }
}
