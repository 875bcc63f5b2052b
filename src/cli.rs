//! Command-line arguments (clap derive) and their validation into one [`Config`].

use crate::config::{AlarmEndpoint, Config, NamedTz};
use crate::model::UtcTime;
use clap::{Parser, Subcommand, ValueEnum};
use std::net::IpAddr;
use std::path::PathBuf;

/// Finds the Windows half-open TCP connection limit (Event 4226) in event logs, netstat text and
/// packet captures, and puts the evidence on one UTC timeline.
#[derive(Debug, Parser)]
#[command(name = "halfopen", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Analyse files and folders (recursed); each file's format is recognised from its content.
    Analyze(Box<AnalyzeArgs>),
    /// Analyse archives of past incidents: each immediate subfolder or .zip is one incident.
    Batch(crate::batch::BatchArgs),
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Human report with tables.
    Text,
    /// One JSON document.
    Json,
    /// One self-contained HTML file with a timeline chart per host.
    Html,
    /// One timeline entry per line (Timesketch JSONL).
    Jsonl,
    /// The timeline as CSV (same columns as JSONL).
    Csv,
}

impl OutputFormat {
    /// The file extension of this format's report (`txt`, `json`, `html`, `jsonl`, `csv`).
    pub fn extension(self) -> &'static str {
        match self {
            OutputFormat::Text => "txt",
            OutputFormat::Json => "json",
            OutputFormat::Html => "html",
            OutputFormat::Jsonl => "jsonl",
            OutputFormat::Csv => "csv",
        }
    }
}

/// When to colour terminal output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour when stdout is a terminal and `NO_COLOR` is unset.
    Auto,
    Always,
    Never,
}

#[derive(Debug, clap::Args)]
pub struct AnalyzeArgs {
    /// Files and/or folders to analyse.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub format: OutputFormat,
    /// Upper bound of all parallelism (default: all cores).
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// Time of the netstat snapshots (RFC 3339, e.g. 2026-03-14T10:02:30Z); default: file mtime.
    #[arg(long, value_name = "RFC3339", value_parser = parse_time)]
    pub netstat_time: Option<UtcTime>,
    /// Concurrent half-open outgoing connections at which the limit bites.
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub half_open_limit: u32,
    /// Seconds after the first SYN at which a sender gives up an unanswered connect
    /// (Windows XP–7: SYNs at 0, 3, 9 s, gives up at 21 s).
    #[arg(long, value_name = "SECONDS", default_value_t = 21.0, value_parser = parse_seconds)]
    pub give_up: f64,
    /// A host identity: NAME=IP (repeatable), e.g. --host WS-ALARM01=10.1.1.10.
    #[arg(long = "host", value_name = "NAME=IP", value_parser = parse_host)]
    pub hosts: Vec<(String, IpAddr)>,
    /// Write the report to this file instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Colour in the terminal report.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Also show local times in this zone (CSV local-time column; IANA name or UTC offset).
    #[arg(long, value_name = "ZONE", value_parser = NamedTz::parse)]
    pub tz: Option<NamedTz>,
    /// The zone of the local times in Event Viewer exports (IANA name like Europe/Berlin, or an
    /// offset like +01:00). Without it they are read as UTC and the report warns.
    #[arg(long, value_name = "ZONE", value_parser = NamedTz::parse)]
    pub event_tz: Option<NamedTz>,
    /// Address (optionally :PORT) of an alarm provider (repeatable).
    #[arg(long = "alarm-provider", value_name = "ADDR[:PORT]", value_parser = AlarmEndpoint::parse)]
    pub alarm_providers: Vec<AlarmEndpoint>,
    /// Address (optionally :PORT) of an alarm client (repeatable).
    #[arg(long = "alarm-client", value_name = "ADDR[:PORT]", value_parser = AlarmEndpoint::parse)]
    pub alarm_clients: Vec<AlarmEndpoint>,
    /// Seconds without client–provider traffic that count as an alarm gap.
    #[arg(long, value_name = "SECONDS", default_value_t = 30.0, value_parser = parse_seconds)]
    pub gap: f64,
    /// Put each host's half-open step series (time, count) in the JSON.
    #[arg(long)]
    pub series: bool,
    /// Seconds added to one source's raw times: SOURCE=±SECONDS, SOURCE a file name or path
    /// suffix (repeatable); overrides the estimated offset.
    #[arg(long = "clock-offset", value_name = "SOURCE=SECONDS", value_parser = parse_offset)]
    pub clock_offsets: Vec<(String, f64)>,
    /// Cut the timeline to the window around this time (RFC 3339).
    #[arg(long, value_name = "RFC3339", value_parser = parse_time)]
    pub around: Option<UtcTime>,
    /// Half-width of the `--around` window in seconds (suffixes s, m, h allowed).
    #[arg(long, value_name = "DURATION", default_value = "300", value_parser = parse_duration)]
    pub window: f64,
}

impl AnalyzeArgs {
    /// The library's settings for these arguments.
    pub fn to_config(&self) -> Config {
        let mut c = Config::new(self.paths.clone());
        c.threads = self.threads.unwrap_or(0);
        c.netstat_time = self.netstat_time;
        c.half_open_limit = self.half_open_limit;
        c.give_up_s = self.give_up;
        c.hosts = self.hosts.clone();
        c.event_tz = self.event_tz.clone();
        c.alarm_providers = self.alarm_providers.clone();
        c.alarm_clients = self.alarm_clients.clone();
        c.gap_s = self.gap;
        // The HTML chart and the terminal sparkline draw the series.
        c.series = self.series || matches!(self.format, OutputFormat::Html | OutputFormat::Text);
        c.clock_offsets = self.clock_offsets.clone();
        c.around = self.around;
        c.window_s = self.window;
        c
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
}
