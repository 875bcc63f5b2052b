//! Command-line arguments (clap derive) and their validation into one [`Config`].

use crate::config::Config;
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
    Analyze(AnalyzeArgs),
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Human report with tables.
    Text,
    /// One JSON document.
    Json,
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
        c
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
    }
}
