//! Replays every file of `fuzz/corpus/<target>/` through its fuzz target's function (the same
//! code `cargo +nightly fuzz run <target>` runs, included from `fuzz/src/lib.rs`) on the stable
//! toolchain: no reader may panic on any of them, nor the zip unpacker of `batch` (`zip`) nor the
//! whole `analyze` run on a one-file bundle (`analyze`) (issue 18 §3; the fuzz log is
//! `benches/FUZZ.md`).

#[path = "../fuzz/src/lib.rs"]
mod targets;

use std::path::Path;

#[test]
fn every_corpus_file_goes_through_its_reader_without_a_panic() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus");
    let mut replayed = 0;
    let mut panics = Vec::new();
    for (name, run) in targets::TARGETS {
        let dir = root.join(name);
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.expect("corpus entry").path())
            .collect();
        files.sort();
        assert!(!files.is_empty(), "{}: empty corpus", dir.display());
        for f in files {
            let data = std::fs::read(&f).expect("read corpus file");
            if std::panic::catch_unwind(|| run(&data)).is_err() {
                panics.push(f.display().to_string());
            }
            replayed += 1;
        }
    }
    assert!(panics.is_empty(), "readers panicked on {panics:?}");
    assert!(replayed >= targets::TARGETS.len());
}

#[test]
fn every_fuzz_target_has_a_binary_and_a_corpus() {
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let manifest = std::fs::read_to_string(fuzz.join("Cargo.toml")).expect("fuzz/Cargo.toml");
    for (name, _) in targets::TARGETS {
        let bin = fuzz.join("fuzz_targets").join(format!("{name}.rs"));
        let src =
            std::fs::read_to_string(&bin).unwrap_or_else(|e| panic!("{}: {e}", bin.display()));
        assert!(
            src.contains(&format!("fuzz_{name}(data)")),
            "{}",
            bin.display()
        );
        assert!(
            manifest.contains(&format!("name = \"{name}\"")),
            "{name} not in fuzz/Cargo.toml"
        );
        assert!(
            fuzz.join("corpus").join(name).is_dir(),
            "no corpus for {name}"
        );
    }
}
