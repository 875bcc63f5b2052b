//! The committed demo files are exactly what the generator writes (so they can be remade with
//! `cargo run --example make_demo -- fixtures/demo`).

#[test]
fn committed_demo_files_match_the_generator() {
    for f in halfopen_testgen::demo::demo_files() {
        let path = std::path::Path::new("fixtures/demo").join(f.name);
        let committed = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(
            committed == f.bytes,
            "{} differs from the generator's output: rerun make_demo",
            path.display()
        );
    }
}
