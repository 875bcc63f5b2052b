//! Shared by the binary tests: run the built `halfopen` under a watchdog, and write generated
//! bundles the way customers send them (several event logs, captures and netstat files).
#![allow(dead_code)] // each test crate uses a part of this module

use std::ffi::OsStr;
use std::io::Read;
use std::path::PathBuf;
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
    realdata_in("", what)
}

/// The folder `sub` of `HALFOPEN_REALDATA` (`pcap`, `evtx`, …), or `None` after saying that the
/// test skips `what`.
pub fn realdata_in(sub: &str, what: &str) -> Option<PathBuf> {
    match std::env::var_os("HALFOPEN_REALDATA") {
        Some(p) => Some(PathBuf::from(p).join(sub)),
        None => {
            eprintln!("HALFOPEN_REALDATA is unset: skipping {what}");
            None
        }
    }
}

#[allow(unused_imports)] // not every test crate writes bundles
pub use halfopen_testgen::bundle::write_bundle;

/// The built `halfopen` as an `assert_cmd` command that is killed after [`DEADLINE`]: a hung run
/// ends with the kill signal (`code=<interrupted>` in the assertion), never waits forever.
pub fn watched_bin() -> assert_cmd::Command {
    let mut c = assert_cmd::Command::new(env!("CARGO_BIN_EXE_halfopen"));
    c.timeout(DEADLINE);
    c
}
