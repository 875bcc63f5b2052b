//! The event-log fast path (issue 17 §1) against the reference path: `read_evtx_keeping` with
//! `Keep::Wanted` (chunks decided from template substitution values, unwanted records counted)
//! must give the same record count, the same problems, the same recovered records, the same
//! `<Computer>` names and exactly the wanted records of `Keep::All` — on every real log in
//! `HALFOPEN_REALDATA` (evtx and connlogs), on the demo, on the fuzz corpus (damaged files) and
//! on generated logs, where it must also decide the chunks without a wanted record.

use halfopen::ingest::evtx::{ChunkSeen, Keep, chunk_walk, fast_path_chunks, read_evtx_keeping};
use halfopen::model::{EventLog, is_wanted};
use halfopen_testgen::evtx::{EventSpec, write_evtx};
use std::path::{Path, PathBuf};

/// Asserts that both paths agree on `path` (module docs); returns the fast path's log.
fn same_on_both_paths(path: &Path) -> Option<EventLog> {
    let all = read_evtx_keeping(path, Keep::All);
    let fast = read_evtx_keeping(path, Keep::Wanted);
    let (all, fast) = match (all, fast) {
        (Ok(a), Ok(f)) => (a, f),
        (Err(a), Err(f)) => {
            assert_eq!(a.to_string(), f.to_string(), "{}", path.display());
            return None;
        }
        (a, f) => panic!("{}: {:?} vs {:?}", path.display(), a.err(), f.err()),
    };
    let shown = path.display();
    assert_eq!(
        fast.record_count(),
        all.record_count(),
        "{shown}: record count"
    );
    assert_eq!(fast.problems, all.problems, "{shown}: problems");
    let wanted: Vec<_> = all
        .records
        .iter()
        .filter(|r| r.recovered || is_wanted(&r.provider, r.event_id))
        .cloned()
        .collect();
    assert_eq!(fast.records, wanted, "{shown}: kept records");
    assert_eq!(
        fast.computer_names(),
        all.computer_names(),
        "{shown}: computers"
    );
    assert_eq!(all.counted, 0, "{shown}: Keep::All counts nothing");
    Some(fast)
}

fn evtx_files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    v.sort();
    v
}

#[test]
fn both_paths_agree_on_every_real_log() {
    let Some(root) = std::env::var_os("HALFOPEN_REALDATA").map(PathBuf::from) else {
        eprintln!("HALFOPEN_REALDATA is unset: skipping the real logs");
        return;
    };
    let mut logs = 0;
    let mut counted = 0;
    let (mut chunks, mut decided) = (0, 0);
    for dir in ["evtx", "connlogs"] {
        for p in evtx_files(&root.join(dir)) {
            if p.extension().is_some_and(|e| e == "evtx") {
                let log = same_on_both_paths(&p).expect("every real .evtx opens");
                counted += log.counted;
                logs += 1;
                let (c, d) = fast_path_chunks(&p).unwrap();
                eprintln!("{}: {d} of {c} chunks decided", p.display());
                (chunks, decided) = (chunks + c, decided + d);
            }
        }
    }
    assert_eq!(logs, 20, "17 evtx + 3 connlogs files (SOURCES.md)");
    assert!(counted > 0, "some real records are only counted");
    eprintln!("{decided} of {chunks} real chunks decided on the fast path");
    assert!(decided > 0, "the fast path decides some real chunks");
}

#[test]
fn both_paths_agree_on_the_demo_and_the_damaged_corpus() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let demo = root.join("fixtures/demo");
    let mut seen = 0;
    for p in evtx_files(&demo)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "evtx"))
        .chain(evtx_files(&root.join("fuzz/corpus/evtx")))
    {
        same_on_both_paths(&p);
        seen += 1;
    }
    assert!(seen > 50, "the evtx fuzz corpus is there ({seen} files)");
}

fn service(id: u64, computer: &str) -> EventSpec {
    EventSpec {
        record_id: id,
        unix_ns: 1_773_446_400_000_000_000 + id as i64 * 10_000_000_000,
        provider: "Service Control Manager".into(),
        event_id: 7036,
        qualifiers: Some(16384),
        level: 4,
        task: 0,
        keywords: 0x80_0000_0000_0000,
        computer: computer.into(),
        channel: "System".into(),
        data: vec![format!("Service {id}"), "running".into()],
        data_names: Vec::new(),
        binary: None,
    }
}

#[test]
fn chunks_without_a_wanted_record_are_decided_without_rendering() {
    // 3,000 service events (several chunks), two computers, one Tcpip 4226 near the end.
    let mut events: Vec<EventSpec> = (1..=3000)
        .map(|i| service(i, if i % 2 == 0 { "WS-01" } else { "WS-02" }))
        .collect();
    let last = events.len() - 5;
    events[last].provider = "Tcpip".into();
    events[last].event_id = 4226;
    events[last].qualifiers = Some(32768);
    events[last].data = vec![String::new()];
    let bytes = write_evtx(&events);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("System.evtx");
    std::fs::write(&path, &bytes).unwrap();

    let log = same_on_both_paths(&path).unwrap();
    assert_eq!(log.record_count(), 3000);
    assert_eq!(log.records.len(), 1, "only the 4226 is kept");
    assert_eq!(
        (log.records[0].record_id, log.records[0].event_id),
        (2996, 4226)
    );
    assert_eq!(log.counted, 2999);
    let names: Vec<&str> = log.computer_names().into_iter().collect();
    assert_eq!(names, ["WS-01", "WS-02"]);
    let (chunks, decided) = fast_path_chunks(&path).unwrap();
    assert!(chunks >= 3, "{chunks} chunks");
    assert_eq!(decided, chunks - 1, "every chunk but the 4226's is decided");
}

/// The `evtx` crate's own chunk iterator on `path`, as [`chunk_walk`] reports it; `None` when
/// the crate cannot open the file.
fn crate_walk(path: &Path) -> Option<Vec<ChunkSeen>> {
    let settings = evtx::ParserSettings::new().validate_checksums(false);
    let mut parser = evtx::EvtxParser::from_path(path)
        .ok()?
        .with_configuration(settings);
    let chain = |e: &dyn std::error::Error| {
        let mut parts = vec![e.to_string()];
        let mut at = e.source();
        while let Some(s) = at {
            parts.push(s.to_string());
            at = s.source();
        }
        parts.join(": ")
    };
    Some(
        parser
            .chunks()
            .map(|c| match c {
                Ok(d) => Ok((
                    d.number.unwrap(),
                    d.header.first_event_record_id,
                    d.header.last_event_record_id,
                )),
                Err(e) => Err(chain(&e)),
            })
            .collect(),
    )
}

/// Our chunk reading (`ingest::evtx::chunks`, read in parallel) visits the crate's chunks in
/// the crate's order with the same results.
fn same_chunks_as_the_crate(path: &Path) -> usize {
    let ours = chunk_walk(path).ok();
    assert_eq!(ours, crate_walk(path), "{}: chunks", path.display());
    ours.map_or(0, |v| v.len())
}

#[test]
fn chunks_are_read_in_the_crates_order_on_real_damaged_and_wrapped_logs() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<PathBuf> = evtx_files(&root.join("fuzz/corpus/evtx"));
    files.extend(
        evtx_files(&root.join("fixtures/demo"))
            .into_iter()
            .filter(|p| p.extension().is_some_and(|e| e == "evtx")),
    );
    let realdata = std::env::var_os("HALFOPEN_REALDATA").map(PathBuf::from);
    match &realdata {
        Some(real) => {
            for dir in ["evtx", "connlogs"] {
                files.extend(
                    evtx_files(&real.join(dir))
                        .into_iter()
                        .filter(|p| p.extension().is_some_and(|e| e == "evtx")),
                );
            }
        }
        None => eprintln!("HALFOPEN_REALDATA is unset: only generated and corpus logs"),
    }
    // A generated log of 5 chunks, wrapped: chunks 3, 4 first in the file, then 0, 1, 2 (the
    // oldest, chunk 0's records, is now file chunk 2); one with an all-zero chunk; one whose
    // header block size leaves its last whole chunk beyond the crate's count.
    let events: Vec<EventSpec> = (1..=5000).map(|i| service(i, "WS-01")).collect();
    let bytes = write_evtx(&events);
    let n = (bytes.len() - 4096) / 65536;
    assert!(n >= 5, "{n} chunks");
    let chunk = |k: usize| &bytes[4096 + k * 65536..4096 + (k + 1) * 65536];
    let mut wrapped = bytes[..4096].to_vec();
    for k in (3..n).chain(0..3) {
        wrapped.extend_from_slice(chunk(k));
    }
    let mut zeroed = bytes.clone();
    zeroed[4096 + 65536..4096 + 2 * 65536].fill(0);
    let mut beyond = bytes.clone();
    beyond[40..42].copy_from_slice(&(4096u16 + 4096).to_le_bytes());
    beyond.extend_from_slice(&[0x55; 1000]);
    let dir = tempfile::tempdir().unwrap();
    for (name, b) in [
        ("wrapped", &wrapped),
        ("zeroed", &zeroed),
        ("beyond", &beyond),
    ] {
        let p = dir.path().join(format!("{name}.evtx"));
        std::fs::write(&p, b).unwrap();
        files.push(p);
    }
    let mut chunks = 0;
    for p in &files {
        chunks += same_chunks_as_the_crate(p);
    }
    let wrapped_walk = chunk_walk(&dir.path().join("wrapped.evtx")).unwrap();
    let first = wrapped_walk.first().unwrap().as_ref().unwrap();
    assert_eq!(
        (first.0, first.1),
        ((n - 3) as u64, 1),
        "oldest chunk first"
    );
    // The real logs alone hold hundreds of chunks; without them only the corpus and the
    // generated logs are compared.
    if realdata.is_some() {
        assert!(chunks > 100, "{chunks} chunks compared");
    } else {
        assert!(chunks >= 3 * n - 1, "{chunks} chunks compared");
    }
}
