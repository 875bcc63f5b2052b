//! What the event-log records that matter here mean.

use crate::model::EntryKind;
use crate::model::EventRecord;

/// The timeline kind and meaning of an event record, if it is one halfopen puts on the timeline:
/// Tcpip 4226/4227/4231/4266 (netevent.h, KB969710) and EventLog 6005/6006/6008.
pub fn classify(provider: &str, event_id: u16) -> Option<(EntryKind, &'static str)> {
    let p = provider.to_ascii_lowercase();
    match (p.as_str(), event_id) {
        ("tcpip", 4226) => Some((
            EntryKind::Tcpip4226,
            "TCP/IP has reached the security limit imposed on the number of concurrent TCP connect attempts",
        )),
        ("tcpip", 4227) => Some((
            EntryKind::Tcpip4227,
            "TCP/IP failed to establish an outgoing connection because the selected local endpoint was recently used (TIME_WAIT collision)",
        )),
        ("tcpip", 4231) => Some((
            EntryKind::Tcpip4231,
            "all ephemeral ports of the global TCP port space are in use",
        )),
        ("tcpip", 4266) => Some((
            EntryKind::Tcpip4266,
            "all ephemeral ports of the global UDP port space are in use",
        )),
        ("eventlog", 6005) => Some((EntryKind::Boot, "the Event log service was started (boot)")),
        ("eventlog", 6006) => Some((
            EntryKind::Shutdown,
            "the Event log service was stopped (clean shutdown)",
        )),
        ("eventlog", 6008) => Some((
            EntryKind::UnexpectedShutdown,
            "the previous system shutdown was unexpected",
        )),
        _ => None,
    }
}

/// [`classify`] for a record.
pub fn classify_record(r: &EventRecord) -> Option<(EntryKind, &'static str)> {
    classify(&r.provider, r.event_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tcpip_and_eventlog_ids_are_classified_case_insensitively() {
        assert_eq!(
            classify("Tcpip", 4226).map(|c| c.0),
            Some(EntryKind::Tcpip4226)
        );
        assert_eq!(
            classify("tcpip", 4231).map(|c| c.0),
            Some(EntryKind::Tcpip4231)
        );
        assert_eq!(
            classify("EventLog", 6008).map(|c| c.0),
            Some(EntryKind::UnexpectedShutdown)
        );
        assert_eq!(classify("Service Control Manager", 4226), None);
        assert_eq!(classify("Tcpip", 4225), None);
    }

    #[test]
    fn every_record_a_rule_reads_is_kept_by_the_event_log_readers() {
        // The `.evtx` reader keeps only `is_wanted` records for `analyze` (issue 17): a record
        // this module classifies, or a connection event, that it does not keep would be lost.
        use crate::model::{
            SECURITY_PROVIDER, SYSMON_PROVIDER, is_connection_event, is_wanted, may_be_wanted,
        };
        let providers = [
            "Tcpip",
            "TCPIP",
            "EventLog",
            SYSMON_PROVIDER,
            SECURITY_PROVIDER,
            "x",
        ];
        let mut wanted = 0;
        for p in providers {
            for id in 0..=u16::MAX {
                let read = classify(p, id).is_some() || is_connection_event(p, id);
                assert_eq!(read, is_wanted(p, id), "{p} {id}");
                // The fast path's shortcut never drops a wanted id.
                assert!(!read || may_be_wanted(id), "{p} {id}");
                wanted += usize::from(read);
            }
        }
        // Tcpip ×2 spellings × 4 + EventLog × 3 + Sysmon 3 + Security 5156/5157.
        assert_eq!(wanted, 14);
    }
}
