//! The `halfopen` binary: parse arguments, run, map errors to the exit code.
//! Exit codes: 0 analysed everything; 2 some input could not be read (or bad arguments).

use clap::Parser;
use halfopen::cli::{Cli, Command, OutputFormat};
use halfopen::report::{Renderer, json::Json, terminal::Terminal};
use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Analyze(args) => {
            let config = args.to_config();
            let analysis = halfopen::analyze(&config);
            for e in &analysis.errors {
                eprintln!("halfopen: error: {}", e.error);
            }
            let renderer: &dyn Renderer = match args.format {
                OutputFormat::Text => &Terminal,
                OutputFormat::Json => &Json,
            };
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::new(stdout.lock());
            let written = renderer
                .render(&analysis, &mut out)
                .and_then(|()| out.flush());
            match written {
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("halfopen: error: writing the report: {e}");
                    return ExitCode::from(2);
                }
                Ok(()) => {}
            }
            if analysis.errors.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(2)
            }
        }
    }
}
