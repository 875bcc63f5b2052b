//! `halfopen batch` on 200 generated incidents, 1 vs 2 threads (issue 8 §6).
//!
//! `cargo bench --bench batch` — results read as incidents/s (criterion `Throughput::Elements`).
//! Each incident is the demo incident (`halfopen_testgen::demo::demo_files`: a 69 KB System.evtx with one
//! Event 4226, a 450-packet pcap, two netstat files), written to its own folder in a temp
//! archive; every iteration analyses all 200 (`force`) and writes `report.json` for each.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use halfopen::batch::{BatchSettings, Incident, run_incidents, zipsafe::ZipLimits};
use halfopen::report::OutputFormat;
use std::hint::black_box;

const INCIDENTS: usize = 200;

fn bench_batch(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("archive");
    let files = halfopen_testgen::demo::demo_files();
    let mut incidents = Vec::new();
    for k in 0..INCIDENTS {
        let name = format!("case-{k:04}");
        let path = archive.join(&name);
        std::fs::create_dir_all(&path).unwrap();
        for f in &files {
            std::fs::write(path.join(f.name), &f.bytes).unwrap();
        }
        incidents.push(Incident { name, path });
    }
    let settings = BatchSettings {
        out: dir.path().join("out"),
        formats: vec![OutputFormat::Json],
        force: true,
        layers: halfopen::config::profile::Layers::default(),
        zip_limits: ZipLimits {
            max_ratio: 200,
            max_total: 64 << 30,
        },
    };
    let mut g = c.benchmark_group("batch_200_demo_incidents");
    g.sample_size(10);
    g.throughput(Throughput::Elements(INCIDENTS as u64));
    for threads in [1usize, 2] {
        g.bench_function(format!("threads_{threads}"), |b| {
            b.iter(|| {
                let out = run_incidents(&incidents, &settings, threads, &|_| {});
                assert_eq!(out.len(), INCIDENTS);
                black_box(out)
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench_batch);
criterion_main!(benches);
