//! Shared by the binary tests: run the built `halfopen` under a watchdog, and write generated
//! bundles the way customers send them (several event logs, captures and netstat files).
#![allow(dead_code)] // each test crate uses a part of this module

use halfopen::model::UtcTime;
use halfopen::testgen::evtx::{EventSpec, write_evtx};
use std::ffi::OsStr;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// How long a run of the binary may take before the test calls it hung (issue 15: 60 s).
pub const DEADLINE: Duration = Duration::from_secs(60);

/// What a watched run gave.
pub struct Run {
    pub status: ExitStatus,
    pub stdout: Vec<u8>,
    pub stderr: String,
    pub elapsed: Duration,
}

/// `halfopen` with `args`, as a user would start it.
pub fn halfopen<I, S>(args: I) -> Command
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let mut c = Command::new(env!("CARGO_BIN_EXE_halfopen"));
    c.args(args);
    c
}

/// The command line of `cmd`, for messages.
pub fn describe(cmd: &Command) -> String {
    let mut s = cmd.get_program().to_string_lossy().into_owned();
    for a in cmd.get_args() {
        s.push(' ');
        s.push_str(&a.to_string_lossy());
    }
    s
}

/// Starts `cmd` with stdout and stderr captured (read on their own threads, so a full pipe never
/// stalls the child).
pub fn spawn(cmd: &mut Command) -> (Child, Reader, Reader) {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{}: {e}", describe(cmd)));
    let out = Reader::new(child.stdout.take().expect("piped stdout"));
    let err = Reader::new(child.stderr.take().expect("piped stderr"));
    (child, out, err)
}

/// A pipe drained by a thread into a shared buffer.
pub struct Reader {
    buf: std::sync::Arc<std::sync::Mutex<Vec<u8>>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Reader {
    fn new(mut pipe: impl Read + Send + 'static) -> Reader {
        let buf = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let b = buf.clone();
        let thread = std::thread::spawn(move || {
            let mut chunk = [0u8; 8192];
            while let Ok(n) = pipe.read(&mut chunk) {
                if n == 0 {
                    break;
                }
                b.lock().unwrap().extend_from_slice(&chunk[..n]);
            }
        });
        Reader {
            buf,
            thread: Some(thread),
        }
    }

    /// What has been read so far.
    pub fn snapshot(&self) -> Vec<u8> {
        self.buf.lock().unwrap().clone()
    }

    /// Everything, once the pipe is closed.
    pub fn finish(mut self) -> Vec<u8> {
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        self.snapshot()
    }
}

/// The last `n` lines of `text`.
pub fn tail(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

/// Waits for `child` until `deadline` has passed since `started`; on the deadline kills it and
/// panics with "hung: <command>" and the last stderr lines.
pub fn wait_watched(
    cmd: &Command,
    mut child: Child,
    out: Reader,
    err: Reader,
    started: Instant,
    deadline: Duration,
) -> Run {
    loop {
        if let Some(status) = child.try_wait().expect("try_wait") {
            let stdout = out.finish();
            let stderr = String::from_utf8_lossy(&err.finish()).into_owned();
            return Run {
                status,
                stdout,
                stderr,
                elapsed: started.elapsed(),
            };
        }
        if started.elapsed() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            let stderr = String::from_utf8_lossy(&err.snapshot()).into_owned();
            panic!(
                "hung: {} (killed after {} s)\nlast stderr lines:\n{}",
                describe(cmd),
                deadline.as_secs(),
                tail(&stderr, 10)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Runs `cmd` to the end under the [`DEADLINE`] watchdog.
pub fn run_watched(mut cmd: Command) -> Run {
    let started = Instant::now();
    let (child, out, err) = spawn(&mut cmd);
    wait_watched(&cmd, child, out, err, started, DEADLINE)
}

/// `HALFOPEN_REALDATA`, or `None` after saying that the test skips.
pub fn realdata(what: &str) -> Option<PathBuf> {
    match std::env::var_os("HALFOPEN_REALDATA") {
        Some(p) => Some(p.into()),
        None => {
            eprintln!("HALFOPEN_REALDATA is unset: skipping {what}");
            None
        }
    }
}

/// A System log of `records` events for `host`: Service Control Manager 7036 filler every
/// 10 s from 2026-03-14T00:00:00Z, with one Tcpip 4226 (Qualifiers 0x8000, Warning) at
/// record `records / 2`.
pub fn system_log(host: &str, records: u64) -> Vec<u8> {
    const T0: i64 = 1_773_446_400; // 2026-03-14T00:00:00Z
    let events: Vec<EventSpec> = (1..=records)
        .map(|id| {
            let is_4226 = id == records / 2;
            EventSpec {
                record_id: id,
                time: UtcTime::from_unix_nanos((T0 + 10 * id as i64) * 1_000_000_000, 7),
                provider: if is_4226 {
                    "Tcpip"
                } else {
                    "Service Control Manager"
                }
                .into(),
                event_id: if is_4226 { 4226 } else { 7036 },
                qualifiers: Some(if is_4226 { 0x8000 } else { 0x4000 }),
                level: if is_4226 { 3 } else { 4 },
                task: 0,
                keywords: 0x0080_0000_0000_0000,
                computer: host.into(),
                channel: "System".into(),
                data: if is_4226 {
                    vec![String::new()]
                } else {
                    vec![format!("Service {id}"), "running".into()]
                },
                binary: None,
            }
        })
        .collect();
    write_evtx(&events)
}

/// Writes a bundle into `dir`: `logs` System logs of `records` events each (hosts WS-01…),
/// `captures` copies of the demo capture and `netstats` netstat files (the demo's and the tech
/// note's, alternating). Returns the paths written.
pub fn write_bundle(
    dir: &Path,
    logs: usize,
    records: u64,
    captures: usize,
    netstats: usize,
) -> Vec<PathBuf> {
    std::fs::create_dir_all(dir).unwrap();
    let demo = halfopen::testgen::demo::demo_files();
    let file = |name: &str| {
        demo.iter()
            .find(|f| f.name == name)
            .map(|f| f.bytes.clone())
            .unwrap()
    };
    let mut written = Vec::new();
    let mut put = |name: String, bytes: &[u8]| {
        let p = dir.join(name);
        std::fs::write(&p, bytes).unwrap();
        written.push(p);
    };
    for i in 1..=logs {
        put(
            format!("WS-{i:02}-System.evtx"),
            &system_log(&format!("WS-{i:02}"), records),
        );
    }
    let capture = file("WS-ALARM01-capture.pcap");
    for i in 1..=captures {
        put(format!("capture-{i}.pcap"), &capture);
    }
    let netstat = [
        file("WS-ALARM01-netstat-ano.txt"),
        file("technote-838-netstat.txt"),
    ];
    for i in 1..=netstats {
        put(format!("netstat-{i}.txt"), &netstat[i % 2]);
    }
    written
}
