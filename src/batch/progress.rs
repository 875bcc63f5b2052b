//! Progress of a batch on stderr: an indicatif bar on a terminal, one line per incident
//! otherwise. Drawn from the thread that reports an outcome (no steady-tick thread), under a
//! lock held only for that one update.

use super::Outcome;
use super::summary::Status;
use std::io::IsTerminal;
use std::sync::Mutex;

/// Progress on stderr: an indicatif bar on a terminal, plain lines otherwise.
pub(super) struct Progress {
    bar: Option<indicatif::ProgressBar>,
    total: usize,
    done: Mutex<usize>,
}

impl Progress {
    pub(super) fn new(total: usize, quiet: bool) -> Progress {
        let bar = (!quiet && std::io::stderr().is_terminal()).then(|| {
            let b = indicatif::ProgressBar::new(total as u64);
            if let Ok(style) = indicatif::ProgressStyle::with_template(
                "{elapsed_precise} [{bar:40}] {pos}/{len} incidents ({per_sec}) {msg}",
            ) {
                b.set_style(style.progress_chars("=> "));
            }
            b
        });
        Progress {
            bar,
            total,
            done: Mutex::new(0),
        }
    }

    pub(super) fn report(&self, o: &Outcome) {
        let mut done = self.done.lock().unwrap_or_else(|p| p.into_inner());
        *done += 1;
        let what = match (&o.row.status, o.kept) {
            (_, true) => "done before, kept".to_string(),
            (Status::Ok, false) if o.row.findings.is_empty() => "ok".to_string(),
            (Status::Ok, false) => format!("ok, findings: {}", o.row.findings.join(" ")),
            (Status::Error, false) => {
                format!("error: {}", o.row.error.clone().unwrap_or_default())
            }
        };
        match &self.bar {
            Some(b) => {
                if o.row.status == Status::Error {
                    b.println(format!("halfopen: {}: {what}", o.row.incident));
                }
                b.set_message(o.row.incident.clone());
                b.inc(1);
            }
            None => eprintln!(
                "halfopen: batch [{}/{}] {}: {what}",
                *done, self.total, o.row.incident
            ),
        }
    }

    pub(super) fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}
