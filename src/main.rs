//! The `halfopen` binary: parse arguments, run, map errors to the exit code.
//! Exit codes of `analyze` ([`halfopen::pipeline::Completion`], README "Exit codes"): 0 every
//! input read in full; 3 complete with skips or unreadable inputs; 4 no evidence recognised;
//! 2 failed (bad arguments, a path that does not exist, a report that cannot be written).
//! `batch`: see [`halfopen::batch::run`].

use clap::Parser;
use halfopen::cli::{AnalyzeArgs, Cli, ColorChoice, Command};
use halfopen::pipeline::{Completion, EXIT_FAILED};
use halfopen::report::{OutputFormat, RenderOptions, render};
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Ctrl-C: remove temp files and scratch folders, exit 130 (halfopen::outfile).
    halfopen::outfile::install_interrupt_handler();
    match cli.command {
        Command::Analyze(args) => analyze(&args),
        Command::Batch(args) => match args.to_job() {
            Ok(job) => halfopen::batch::run(&job),
            Err(e) => usage_error(&e),
        },
        Command::Init { path } => init(&path),
        Command::Completions { shell } => {
            halfopen::cli::write_completions(shell, &mut std::io::stdout());
            ExitCode::SUCCESS
        }
        Command::Schema { which } => {
            match halfopen::schema::write_schema(which, &mut std::io::stdout()) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("halfopen: error: writing the schema: {e}");
                    ExitCode::from(2)
                }
            }
        }
        Command::Man => match halfopen::cli::write_man_page(&mut std::io::stdout()) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("halfopen: error: writing the man page: {e}");
                ExitCode::from(EXIT_FAILED)
            }
        },
    }
}

/// One line on stderr, exit code 2.
fn usage_error(e: &dyn std::fmt::Display) -> ExitCode {
    eprintln!("halfopen: error: {e}");
    ExitCode::from(EXIT_FAILED)
}

/// `halfopen init`: the example profile, never over an existing file.
fn init(path: &std::path::Path) -> ExitCode {
    use std::io::Write as _;
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .and_then(|mut f| f.write_all(halfopen::config::profile::EXAMPLE.as_bytes()));
    match file {
        Ok(()) => {
            eprintln!("halfopen: wrote {}", path.display());
            ExitCode::SUCCESS
        }
        Err(e) => usage_error(&format!("{}: {e}", path.display())),
    }
}

fn analyze(args: &AnalyzeArgs) -> ExitCode {
    let reports = match args.reports() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("halfopen: error: {e}");
            return ExitCode::from(EXIT_FAILED);
        }
    };
    let config = match args.to_config() {
        Ok(c) => c,
        Err(e) => return usage_error(&e),
    };
    // A path given that does not exist is a bad argument: one line each, no report.
    let missing: Vec<String> = config
        .paths
        .iter()
        .filter_map(|p| {
            std::fs::metadata(p)
                .err()
                .map(|e| format!("{}: {e}", p.display()))
        })
        .collect();
    if !missing.is_empty() {
        for m in &missing {
            eprintln!("halfopen: error: {m}");
        }
        return ExitCode::from(EXIT_FAILED);
    }
    let progress = FileProgress::new(args.verbose);
    let analysis = halfopen::analyze_observed(&config, &progress);
    progress.finish();
    for e in &analysis.errors {
        eprintln!("halfopen: error: {}", e.error);
    }
    for (format, path) in &reports {
        // Several formats go into `-o DIR`, made when missing.
        if let (true, Some(dir)) = (reports.len() > 1, path.as_deref().and_then(|p| p.parent())) {
            if let Err(e) = std::fs::create_dir_all(dir) {
                eprintln!("halfopen: error: {}: {e}", dir.display());
                return ExitCode::from(EXIT_FAILED);
            }
        }
        match write_report(args, &analysis, *format, path.as_deref()) {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("halfopen: error: writing the report: {e}");
                return ExitCode::from(EXIT_FAILED);
            }
            Ok(()) => {}
        }
    }
    ExitCode::from(Completion::of(&analysis).exit_code())
}

/// Columns of the terminal report when neither `COLUMNS` nor a terminal gives a width.
const PIPED_WIDTH: u16 = 100;

/// Renders one report to `path` (whole or not at all) or to stdout.
fn write_report(
    args: &AnalyzeArgs,
    analysis: &halfopen::correlate::Analysis,
    format: OutputFormat,
    path: Option<&std::path::Path>,
) -> std::io::Result<()> {
    let to_terminal = path.is_none() && std::io::stdout().is_terminal();
    let opts = RenderOptions {
        color: match args.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => to_terminal && std::env::var_os("NO_COLOR").is_none(),
        },
        // COLUMNS first (set by shells and by users who pipe), else comfy-table's own terminal
        // size detection when stdout is a terminal; a file or a pipe gets 100 columns.
        width: std::env::var("COLUMNS")
            .ok()
            .and_then(|c| c.trim().parse::<u16>().ok())
            .filter(|w| *w > 0)
            .or_else(|| {
                to_terminal
                    .then(|| comfy_table::Table::new().width())
                    .flatten()
            })
            .or(Some(PIPED_WIDTH)),
        tz: args.tz.clone(),
        verdicts_only: args.quiet,
    };
    match path {
        Some(path) => {
            halfopen::outfile::write_atomic_with(path, |w| render(format, analysis, &opts, w))
        }
        None => {
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::new(stdout.lock());
            render(format, analysis, &opts, &mut out).and_then(|()| out.flush())
        }
    }
}

/// `analyze`'s progress on stderr: with `-v` one line per file (what was read, how long it
/// took); else, on a terminal, a bar that appears once the run has taken a second.
struct FileProgress {
    verbose: bool,
    started: std::time::Instant,
    done: std::sync::Mutex<usize>,
    total: std::sync::atomic::AtomicUsize,
    bar: Option<indicatif::ProgressBar>,
}

impl FileProgress {
    fn new(verbose: bool) -> FileProgress {
        let bar = (!verbose && std::io::stderr().is_terminal()).then(|| {
            let b = indicatif::ProgressBar::with_draw_target(
                None,
                indicatif::ProgressDrawTarget::hidden(),
            );
            if let Ok(style) = indicatif::ProgressStyle::with_template(
                "{elapsed} [{bar:30}] {pos}/{len} files {msg}",
            ) {
                b.set_style(style.progress_chars("=> "));
            }
            b
        });
        FileProgress {
            verbose,
            started: std::time::Instant::now(),
            done: std::sync::Mutex::new(0),
            total: std::sync::atomic::AtomicUsize::new(0),
            bar,
        }
    }

    fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}

impl halfopen::pipeline::Progress for FileProgress {
    fn started(&self, total: usize) {
        self.total
            .store(total, std::sync::atomic::Ordering::Relaxed);
        if let Some(b) = &self.bar {
            b.set_length(total as u64);
        }
    }

    fn file_done(&self, input: &halfopen::analysis::source::Input, elapsed: std::time::Duration) {
        let mut done = self.done.lock().unwrap_or_else(|p| p.into_inner());
        *done += 1;
        let total = self.total.load(std::sync::atomic::Ordering::Relaxed);
        if self.verbose {
            eprintln!(
                "halfopen: [{}/{total}] {}: {} ({:.1} ms)",
                *done,
                input.path.display(),
                input.describe(),
                elapsed.as_secs_f64() * 1000.0
            );
        }
        if let Some(b) = &self.bar {
            if b.is_hidden() && self.started.elapsed() > std::time::Duration::from_secs(1) {
                b.set_draw_target(indicatif::ProgressDrawTarget::stderr());
            }
            b.set_message(
                input
                    .path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
            );
            b.inc(1);
        }
    }
}
