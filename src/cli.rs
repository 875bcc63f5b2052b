//! Command-line arguments (clap derive) and their validation into plain settings: [`Config`] for
//! `analyze`, [`BatchJob`] for `batch`. The only module that knows clap.

use crate::batch::zipsafe::ZipLimits;
use crate::batch::{BatchJob, BatchMode, BatchSettings, Shard};
use crate::config::Config;
use crate::config::profile::{EndpointSpec, Layers, Overrides, Profile, ProfileError};
use crate::model::{NamedTz, UtcTime};
use crate::report::OutputFormat;
use crate::schema::SchemaKind;
use clap::builder::PossibleValue;
use clap::{Parser, Subcommand, ValueEnum};
use std::net::IpAddr;
use std::path::PathBuf;

/// Finds the Windows half-open TCP connection limit (Event 4226) in event logs, netstat text and
/// packet captures, and puts the evidence on one UTC timeline.
#[derive(Debug, Parser)]
#[command(name = "halfopen", version = VERSION, about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Analyse files and folders (recursed); each file's format is recognised from its content.
    Analyze(Box<AnalyzeArgs>),
    /// Analyse archives of past incidents: each immediate subfolder or .zip is one incident.
    Batch(Box<BatchArgs>),
    /// Print a shell completion script on stdout, e.g. `halfopen completions bash >
    /// ~/.local/share/bash-completion/completions/halfopen`.
    Completions {
        /// The shell: bash, zsh, fish, powershell or elvish.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff) on stdout: `halfopen man > halfopen.1 && man -l halfopen.1`.
    Man,
    /// Print the JSON Schema of a machine output on stdout: `report` (--format json), `summary`
    /// (one row of batch's summary.jsonl) or `timeline` (one line of --format jsonl).
    Schema {
        /// Which output.
        which: SchemaKind,
    },
    /// Write a commented example profile (default ./halfopen.toml; never overwrites).
    Init {
        /// Where to write it.
        #[arg(value_name = "FILE", default_value = "halfopen.toml")]
        path: PathBuf,
    },
}

/// `--version`: the package version, the git commit it was built from and the build date
/// (UTC), e.g. `0.1.0 (commit 1b5b8ae, built 2026-12-03)`; set by `build.rs`.
pub const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (commit ",
    env!("HALFOPEN_COMMIT"),
    ", built ",
    env!("HALFOPEN_BUILD_DATE"),
    ")"
);

/// Writes the completion script for `shell` to `out`.
pub fn write_completions(shell: clap_complete::Shell, out: &mut dyn std::io::Write) {
    clap_complete::generate(
        shell,
        &mut <Cli as clap::CommandFactory>::command(),
        "halfopen",
        out,
    );
}

/// Writes the man page (roff) to `out`.
///
/// Errors: the I/O error of `out`.
pub fn write_man_page(out: &mut dyn std::io::Write) -> std::io::Result<()> {
    clap_mangen::Man::new(<Cli as clap::CommandFactory>::command()).render(out)
}

/// `--format` values: clap's view of [`OutputFormat`] (only this module knows clap).
impl ValueEnum for OutputFormat {
    fn value_variants<'a>() -> &'a [Self] {
        &OutputFormat::ALL
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        let help = match self {
            OutputFormat::Text => "Human report with tables",
            OutputFormat::Json => "One JSON document",
            OutputFormat::Html => "One self-contained HTML file with a timeline chart per host",
            OutputFormat::Jsonl => "One timeline entry per line (Timesketch JSONL)",
            OutputFormat::Csv => "The timeline as CSV (same columns as JSONL)",
        };
        Some(PossibleValue::new(self.name()).help(help))
    }
}

/// `halfopen schema` values: clap's view of [`SchemaKind`].
impl ValueEnum for SchemaKind {
    fn value_variants<'a>() -> &'a [Self] {
        &SchemaKind::ALL
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(PossibleValue::new(self.name()).help(self.describes()))
    }
}

/// When to colour terminal output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour when stdout is a terminal and `NO_COLOR` is unset.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

/// The analysis options that `analyze` and `batch` share (`#[command(flatten)]` in both, so
/// each flag has one definition and one parser). A flag that is not given leaves the value of
/// the profiles ([`crate::config::profile`]) or the default.
#[derive(Debug, Clone, clap::Args)]
pub struct AnalysisOpts {
    /// Site profile (halfopen.toml layout); an incident's own halfopen.toml and the flags
    /// override it.
    #[arg(long = "config", value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Time of the netstat snapshots (RFC 3339, e.g. 2026-03-14T10:02:30Z); default: file mtime.
    #[arg(long, value_name = "RFC3339", value_parser = parse_time)]
    pub netstat_time: Option<UtcTime>,
    /// Concurrent half-open outgoing connections at which the limit bites [default: 10].
    #[arg(long, value_name = "N")]
    pub half_open_limit: Option<u32>,
    /// Seconds after the first SYN at which a sender gives up an unanswered connect
    /// (Windows XP–7: SYNs at 0, 3, 9 s, gives up at 21 s) [default: 21].
    #[arg(long, value_name = "SECONDS", value_parser = parse_seconds)]
    pub give_up: Option<f64>,
    /// A host identity: NAME=IP (repeatable), e.g. --host WS-ALARM01=10.1.1.10.
    #[arg(long = "host", value_name = "NAME=IP", value_parser = parse_host)]
    pub hosts: Vec<(String, IpAddr)>,
    /// The zone of the local times in Event Viewer exports (IANA name like Europe/Berlin, or an
    /// offset like +01:00). Without it they are read as UTC and the report warns.
    #[arg(long, value_name = "ZONE", value_parser = NamedTz::parse)]
    pub event_tz: Option<NamedTz>,
    /// Alarm provider: ADDR, ADDR:PORT, or a host NAME or NAME:PORT known from --host or a profile
    /// (repeatable).
    #[arg(long = "alarm-provider", value_name = "ADDR|NAME[:PORT]", value_parser = EndpointSpec::parse)]
    pub alarm_providers: Vec<EndpointSpec>,
    /// Alarm client: ADDR, ADDR:PORT, or a host NAME or NAME:PORT (repeatable).
    #[arg(long = "alarm-client", value_name = "ADDR|NAME[:PORT]", value_parser = EndpointSpec::parse)]
    pub alarm_clients: Vec<EndpointSpec>,
    /// Seconds without client–provider traffic that count as an alarm gap [default: 30].
    #[arg(long, value_name = "SECONDS", value_parser = parse_seconds)]
    pub gap: Option<f64>,
    /// Seconds added to one source's raw times: SOURCE=±SECONDS, SOURCE a file name or path
    /// suffix (repeatable); overrides the estimated offset.
    #[arg(long = "clock-offset", value_name = "SOURCE=SECONDS", value_parser = parse_offset)]
    pub clock_offsets: Vec<(String, f64)>,
}

impl AnalysisOpts {
    /// The settings layers: the site profile (`--config`) and the flags.
    ///
    /// Errors: the site profile cannot be read or parsed ([`ProfileError`]).
    pub fn layers(&self) -> Result<Layers, ProfileError> {
        let site = match &self.config {
            Some(p) => Some(Profile::load(p)?),
            None => None,
        };
        Ok(Layers {
            site,
            flags: Overrides {
                half_open_limit: self.half_open_limit,
                give_up_s: self.give_up,
                gap_s: self.gap,
                event_tz: self.event_tz.clone(),
                netstat_time: self.netstat_time,
                hosts: self.hosts.clone(),
                alarm_providers: self.alarm_providers.clone(),
                alarm_clients: self.alarm_clients.clone(),
                clock_offsets: self.clock_offsets.clone(),
            },
        })
    }
}

/// Arguments of `halfopen analyze`.
#[derive(Debug, clap::Args)]
pub struct AnalyzeArgs {
    /// Files and/or folders to analyse.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Output format (repeatable with `-o DIR`: one file each). Default: from the extension of
    /// `-o FILE` (.txt .json .jsonl .csv .html), else text.
    #[arg(long, short = 'f', value_enum)]
    pub format: Vec<OutputFormat>,
    /// Worker threads shared by all files and event-log chunks (default: one per core).
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// Write the report to FILE instead of stdout (whole or not at all); with several
    /// `--format`, or when it is an existing folder, write DIR/report.EXT per format.
    #[arg(long, short = 'o', value_name = "FILE|DIR")]
    pub output: Option<PathBuf>,
    /// Colour in the terminal report.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Show every time of the text and HTML reports in this zone with its offset, and add a
    /// local-time column to the CSV (IANA name or UTC offset). JSON and JSONL stay UTC.
    #[arg(long, value_name = "ZONE", value_parser = NamedTz::parse)]
    pub tz: Option<NamedTz>,
    /// Put each host's half-open step series (time, count) in the JSON.
    #[arg(long)]
    pub series: bool,
    /// Show each file on stderr as it is read: format, records, skipped, time taken.
    #[arg(long, short = 'v')]
    pub verbose: bool,
    /// The text report shows the verdicts only (other formats are unchanged).
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Cut the timeline to the window around this time (RFC 3339).
    #[arg(long, value_name = "RFC3339", value_parser = parse_time)]
    pub around: Option<UtcTime>,
    /// Half-width of the `--around` window in seconds (suffixes s, m, h allowed).
    #[arg(long, value_name = "DURATION", default_value = "300", value_parser = parse_duration)]
    pub window: f64,
    /// The analysis options `batch` shares.
    #[command(flatten)]
    pub analysis: AnalysisOpts,
}

impl AnalyzeArgs {
    /// The library's settings for these arguments, profiles applied.
    ///
    /// Errors: a profile that cannot be read or parsed, an alarm endpoint name no layer
    /// resolves ([`ProfileError`]).
    pub fn to_config(&self) -> Result<Config, ProfileError> {
        let mut c = self.analysis.layers()?.config(self.paths.clone())?;
        c.threads = self.threads.unwrap_or(0);
        // The HTML chart and the terminal sparkline draw the series.
        c.series = self.series
            || self
                .reports()
                .map(|r| {
                    r.iter()
                        .any(|(f, _)| matches!(f, OutputFormat::Html | OutputFormat::Text))
                })
                .unwrap_or(true);
        c.around = self.around;
        c.window_s = self.window;
        Ok(c)
    }
}

/// `analyze -f` twice without `-o DIR`: several reports cannot share stdout.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0} formats were asked for: give -o DIR to write one report file each")]
pub struct SeveralFormatsNeedAFolder(pub usize);

impl AnalyzeArgs {
    /// The reports to write: each format with its file (`None` = stdout). `--format` wins; else
    /// the format follows `-o FILE`'s extension ([`format_of_extension`]), else text. Several
    /// formats, or `-o` naming an existing folder, give `DIR/report.<ext>` each.
    ///
    /// Errors: [`SeveralFormatsNeedAFolder`] for several formats without `-o`.
    pub fn reports(
        &self,
    ) -> Result<Vec<(OutputFormat, Option<PathBuf>)>, SeveralFormatsNeedAFolder> {
        let mut formats = self.format.clone();
        formats.dedup();
        let out = self.output.as_ref();
        let is_dir = out.is_some_and(|p| p.is_dir());
        if formats.is_empty() {
            let f = out
                .filter(|_| !is_dir)
                .and_then(|p| format_of_extension(p))
                .unwrap_or(OutputFormat::Text);
            formats.push(f);
        }
        match (out, formats.len()) {
            (None, 1) => Ok(vec![(formats[0], None)]),
            (None, n) => Err(SeveralFormatsNeedAFolder(n)),
            (Some(p), 1) if !is_dir => Ok(vec![(formats[0], Some(p.clone()))]),
            (Some(dir), _) => Ok(formats
                .into_iter()
                .map(|f| (f, Some(dir.join(format!("report.{}", f.extension())))))
                .collect()),
        }
    }
}

/// The report format a file name asks for by its extension (case-insensitive): `.txt`/`.text`,
/// `.json`, `.jsonl`/`.ndjson`, `.csv`, `.html`/`.htm`; `None` for anything else.
pub fn format_of_extension(path: &std::path::Path) -> Option<OutputFormat> {
    let ext = path.extension()?.to_string_lossy().to_ascii_lowercase();
    Some(match ext.as_str() {
        "txt" | "text" => OutputFormat::Text,
        "json" => OutputFormat::Json,
        "jsonl" | "ndjson" => OutputFormat::Jsonl,
        "csv" => OutputFormat::Csv,
        "html" | "htm" => OutputFormat::Html,
        _ => return None,
    })
}

/// Arguments of `halfopen batch`.
#[derive(Debug, clap::Args)]
pub struct BatchArgs {
    /// Folders whose immediate subfolders and .zip files are incidents (a .zip given here is one
    /// incident). With --merge: output folders of other shards to merge in.
    #[arg(value_name = "ARCHIVE", required_unless_present_any = ["stdin_paths", "merge"])]
    pub archives: Vec<PathBuf>,
    /// Output folder (one subfolder per incident, summary.csv, summary.jsonl).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Report format written per incident (repeatable).
    #[arg(long, value_enum, default_values_t = [OutputFormat::Json])]
    pub format: Vec<OutputFormat>,
    /// Worker threads shared by all incidents and the files inside them (default: one per core).
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// Redo incidents that a previous run finished.
    #[arg(long)]
    pub force: bool,
    /// Only shard K of N (counting from 1): the incidents at positions K, K+N, K+2N… of the
    /// name-sorted list. `auto/N` takes K from JOB_COMPLETION_INDEX + 1 (Kubernetes Indexed
    /// Job, 0-based) or SLURM_ARRAY_TASK_ID (sbatch --array=1-N).
    #[arg(long, value_name = "K/N", value_parser = Shard::parse, conflicts_with_all = ["stdin_paths", "merge"])]
    pub shard: Option<Shard>,
    /// Read incident paths (folders or zips) from stdin, one per line; print one JSON summary
    /// line per incident on stdout (no summary files: merge with --merge).
    #[arg(long, conflicts_with = "merge")]
    pub stdin_paths: bool,
    /// Rebuild DIR/summary.csv and summary.jsonl from the manifests of every incident folder in
    /// --out and in the ARCHIVE folders (other shards' output folders); analyse nothing.
    #[arg(long)]
    pub merge: bool,
    /// Refuse a zip entry (over 1 MiB) or a whole zip that unpacks more than this many times its
    /// compressed size.
    #[arg(long, value_name = "RATIO", default_value_t = 200)]
    pub max_ratio: u64,
    /// Refuse a zip that unpacks to more than this many bytes in all.
    #[arg(long, value_name = "BYTES", default_value_t = 64 << 30)]
    pub max_unpacked: u64,
    /// The analysis options `analyze` shares.
    #[command(flatten)]
    pub analysis: AnalysisOpts,
}

impl BatchArgs {
    /// The batch job these arguments describe.
    ///
    /// Errors: the site profile cannot be read or parsed ([`ProfileError`]).
    pub fn to_job(&self) -> Result<BatchJob, ProfileError> {
        let mut formats = self.format.clone();
        formats.dedup();
        Ok(BatchJob {
            archives: self.archives.clone(),
            threads: self.threads.unwrap_or(0),
            shard: self.shard,
            mode: if self.merge {
                BatchMode::Merge
            } else if self.stdin_paths {
                BatchMode::StdinPaths
            } else {
                BatchMode::Archives
            },
            settings: BatchSettings {
                out: self.out.clone(),
                formats,
                force: self.force,
                layers: self.analysis.layers()?,
                zip_limits: ZipLimits {
                    max_ratio: self.max_ratio,
                    max_total: self.max_unpacked,
                },
            },
        })
    }
}

fn parse_offset(s: &str) -> Result<(String, f64), String> {
    let (src, secs) = s
        .rsplit_once('=')
        .ok_or_else(|| format!("expected SOURCE=SECONDS, got {s:?}"))?;
    let v: f64 = secs
        .trim()
        .parse()
        .map_err(|_| format!("not a number of seconds: {secs:?}"))?;
    if !v.is_finite() || src.trim().is_empty() {
        return Err(format!("expected SOURCE=SECONDS, got {s:?}"));
    }
    Ok((src.trim().to_string(), v))
}

/// `90`, `90s`, `5m`, `1h` → seconds.
fn parse_duration(s: &str) -> Result<f64, String> {
    let t = s.trim();
    let (num, mul) = match t.chars().last() {
        Some('s') => (&t[..t.len() - 1], 1.0),
        Some('m') => (&t[..t.len() - 1], 60.0),
        Some('h') => (&t[..t.len() - 1], 3600.0),
        _ => (t, 1.0),
    };
    match num.trim().parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 => Ok(v * mul),
        _ => Err(format!("not a duration (e.g. 90s, 5m, 1h): {s:?}")),
    }
}

fn parse_time(s: &str) -> Result<UtcTime, String> {
    UtcTime::parse_rfc3339(s).ok_or_else(|| format!("not an RFC 3339 time: {s:?}"))
}

fn parse_seconds(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 => Ok(v),
        _ => Err(format!("not a positive number of seconds: {s:?}")),
    }
}

fn parse_host(s: &str) -> Result<(String, IpAddr), String> {
    let (name, ip) = s
        .split_once('=')
        .ok_or_else(|| format!("expected NAME=IP, got {s:?}"))?;
    let ip: IpAddr = ip
        .trim()
        .parse()
        .map_err(|_| format!("not an IP address: {ip:?}"))?;
    let name = name.trim();
    if name.is_empty() {
        return Err(format!("empty host name in {s:?}"));
    }
    Ok((name.to_string(), ip))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_mapping_and_time_are_validated() {
        assert_eq!(
            parse_host("WS-ALARM01=10.1.1.10").unwrap(),
            ("WS-ALARM01".to_string(), "10.1.1.10".parse().unwrap())
        );
        assert!(parse_host("WS-ALARM01").is_err());
        assert!(parse_host("=10.1.1.10").is_err());
        assert!(parse_host("X=10.1.1").is_err());
        assert_eq!(
            parse_time("2026-03-14T10:02:30Z").unwrap().to_string(),
            "2026-03-14T10:02:30Z"
        );
        assert!(parse_time("14/03/2026").is_err());
        assert!(parse_seconds("0").is_err());
        assert_eq!(parse_duration("5m").unwrap(), 300.0);
        assert_eq!(parse_duration("90").unwrap(), 90.0);
        assert!(parse_duration("m").is_err());
        assert_eq!(
            parse_offset("capture.pcap=-3.5").unwrap(),
            ("capture.pcap".to_string(), -3.5)
        );
        assert!(parse_offset("capture.pcap").is_err());
    }

    fn analyze(args: &[&str]) -> AnalyzeArgs {
        let mut argv = vec!["halfopen", "analyze"];
        argv.extend_from_slice(args);
        argv.push("x");
        match Cli::parse_from(argv).command {
            Command::Analyze(a) => *a,
            _ => unreachable!(),
        }
    }

    #[test]
    fn output_format_follows_the_extension_unless_format_says_otherwise() {
        use OutputFormat::*;
        let r = |args: &[&str]| analyze(args).reports();
        assert_eq!(r(&[]), Ok(vec![(Text, None)]));
        assert_eq!(
            r(&["-o", "r.html"]),
            Ok(vec![(Html, Some("r.html".into()))])
        );
        assert_eq!(
            r(&["-o", "R.JSONL"]),
            Ok(vec![(Jsonl, Some("R.JSONL".into()))])
        );
        assert_eq!(r(&["-o", "r.out"]), Ok(vec![(Text, Some("r.out".into()))]));
        assert_eq!(
            r(&["-o", "r.html", "-f", "json"]),
            Ok(vec![(Json, Some("r.html".into()))])
        );
        assert_eq!(r(&["-f", "csv"]), Ok(vec![(Csv, None)]));
        assert_eq!(
            r(&["-f", "json", "--format", "html"]),
            Err(SeveralFormatsNeedAFolder(2))
        );
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().to_str().unwrap();
        assert_eq!(
            r(&["-f", "json", "-f", "html", "-o", d]),
            Ok(vec![
                (Json, Some(dir.path().join("report.json"))),
                (Html, Some(dir.path().join("report.html")))
            ])
        );
        // An existing folder with one format, or none: report.<ext> inside it.
        assert_eq!(
            r(&["-o", d]),
            Ok(vec![(Text, Some(dir.path().join("report.txt")))])
        );
    }
}
