//! Regenerates the demo incident: `cargo run --example make_demo -- fixtures/demo`.

use std::path::PathBuf;

fn main() -> std::io::Result<()> {
    let dir = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "fixtures/demo".into()),
    );
    std::fs::create_dir_all(&dir)?;
    for f in halfopen_testgen::demo::demo_files() {
        let p = dir.join(f.name);
        std::fs::write(&p, &f.bytes)?;
        println!("{} ({} bytes)", p.display(), f.bytes.len());
    }
    Ok(())
}
