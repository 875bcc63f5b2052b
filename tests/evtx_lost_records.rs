//! Issue 18 §1: records lost inside an EVTX chunk (zero-filled stretches of its record area)
//! are counted and located: every EventRecordID the chunk header names and no record gave is in
//! a problem at that chunk. The mutant is written to a tempdir from `HALFOPEN_REALDATA`.

mod support;

use halfopen::ingest::evtx::read_evtx;
use halfopen::model::Locator;
use std::path::PathBuf;

fn realdata(what: &str) -> Option<PathBuf> {
    support::realdata_in("evtx", what)
}

/// The `N` of each `(N of the M the chunk header names)`, summed.
fn counted(reasons: &[&str]) -> usize {
    reasons
        .iter()
        .filter_map(|r| {
            let open = r.find(" (")?;
            let rest = r.get(open + 2..)?;
            rest.split(" of the ").next()?.parse::<usize>().ok()
        })
        .sum()
}

#[test]
fn zero_filled_record_areas_in_chunks_5_to_13_lose_no_record_silently() {
    let Some(dir) = realdata("lost EVTX records") else {
        return;
    };
    let mut bytes = std::fs::read(dir.join("python-evtx__system.evtx")).expect("read");
    for chunk in 5..=13usize {
        // Zero 16 KiB in the middle of the record area (after the 512-byte chunk header).
        let start = 4096 + chunk * 65536 + 8192;
        if let Some(stretch) = bytes.get_mut(start..start + 16384) {
            stretch.fill(0);
        }
    }
    let tmp = tempfile::tempdir().expect("tempdir");
    let path = tmp.path().join("system.evtx");
    std::fs::write(&path, &bytes).expect("write");

    let log = read_evtx(&path).expect("read mutant");
    let lost = 1601 - log.records.len();
    assert!(
        lost > 100,
        "only {lost} lost: the mutation missed the records"
    );
    // A record that fails to render is one problem at its id; the ids lost with a damaged
    // record header, or in zero-filled data, are counted in a problem at their chunk.
    let reasons: Vec<&str> = log.problems.iter().map(|p| p.reason.as_str()).collect();
    let one_each = log
        .problems
        .iter()
        .filter(|p| matches!(p.locator, Locator::Record(_)))
        .count();
    assert_eq!(counted(&reasons) + one_each, lost, "{:#?}", log.problems);
    let mut chunks = std::collections::BTreeSet::new();
    for p in &log.problems {
        if let Locator::Chunk { chunk, byte } = p.locator {
            assert!((5..=13).contains(&chunk), "{p:?}");
            let start = 4096 + chunk * 65536;
            assert!((start..start + 65536).contains(&byte), "{p:?}");
            chunks.insert(chunk);
        }
    }
    // The file's records sit in chunks 0–8; 9–13 are free, so zeroing them loses nothing.
    assert_eq!(
        chunks.into_iter().collect::<Vec<_>>(),
        [5, 6, 7, 8],
        "{:#?}",
        log.problems
    );
}
