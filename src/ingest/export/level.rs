//! Event Viewer level and XP event-type names (winmeta.xml levels, MS-EVEN6 event schema
//! `Level`) as numbers.

// Input reaches this module: no unwrap/expect/indexing outside tests (issue 18 §4).
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

/// The level number of a level or XP event-type name as Event Viewer shows it (English and
/// German): Critical/Kritisch → 1, Error/Fehler → 2, Warning/Warnung → 3,
/// Information/Informationen → 4, Verbose/Ausführlich → 5 (the winmeta.xml levels), and the
/// XP audit types Success Audit/Failure Audit (Erfolgsüberwachung/Fehlerüberwachung, also Vista's
/// Audit Success/Audit Failure keyword names) → 0, the level audit events carry in EVTX
/// (LogAlways). Other names give `None`. Case-insensitive.
pub(super) fn level_from_name(name: &str) -> Option<u8> {
    let n = name.trim().to_lowercase();
    Some(match n.as_str() {
        "critical" | "kritisch" => 1,
        "error" | "fehler" => 2,
        "warning" | "warnung" => 3,
        "information" | "informationen" => 4,
        "verbose" | "ausführlich" => 5,
        "success audit"
        | "failure audit"
        | "audit success"
        | "audit failure"
        | "erfolgsüberwachung"
        | "fehlerüberwachung"
        | "überwachung erfolgreich"
        | "überwachung gescheitert" => 0,
        _ => return None,
    })
}
