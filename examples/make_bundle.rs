//! Writes a generated bundle (as `tests/concurrency.rs` and `benches/threads.sh` use):
//! `cargo run --release --example make_bundle -- DIR [LOGS] [RECORDS] [CAPTURES] [NETSTATS]`
//! (defaults 20 System logs of 20,000 records, 5 captures, 5 netstat files).

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(dir) = args.first() else {
        eprintln!("usage: make_bundle DIR [LOGS] [RECORDS] [CAPTURES] [NETSTATS]");
        std::process::exit(2);
    };
    let num = |i: usize, default: u64| {
        args.get(i)
            .map(|s| s.parse::<u64>().expect("a whole number"))
            .unwrap_or(default)
    };
    let written = halfopen_testgen::bundle::write_bundle(
        std::path::Path::new(dir),
        num(1, 20) as usize,
        num(2, 20_000),
        num(3, 5) as usize,
        num(4, 5) as usize,
    );
    let bytes: u64 = written
        .iter()
        .filter_map(|p| std::fs::metadata(p).ok())
        .map(|m| m.len())
        .sum();
    println!("{dir}: {} files, {bytes} bytes", written.len());
}
