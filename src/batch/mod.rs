//! `halfopen batch`: archives of past incidents, each immediate subfolder or `.zip` one incident.
//! (Filled in by the batch work.)

use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `halfopen batch`.
#[derive(Debug, clap::Args)]
pub struct BatchArgs {
    /// Folders whose immediate subfolders and .zip files are incidents.
    #[arg(required = true, value_name = "ARCHIVE")]
    pub archives: Vec<PathBuf>,
    /// Output folder (one subfolder per incident, summary.csv, summary.jsonl).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

/// Runs a batch; the exit code is 0 when every incident was analysed, 1 when some failed,
/// 2 on bad arguments or an unwritable output folder.
pub fn run(_args: &BatchArgs) -> ExitCode {
    eprintln!("halfopen: error: batch is not built yet");
    ExitCode::from(2)
}
