//! The validated settings of one `analyze` run (built by `cli`, used by the library).

use crate::model::UtcTime;
use std::net::IpAddr;
use std::path::PathBuf;

/// Settings of one analysis. Build with [`Config::new`] and set the fields you need.
#[derive(Debug, Clone)]
pub struct Config {
    /// Files and/or folders (recursed) to analyse.
    pub paths: Vec<PathBuf>,
    /// Upper bound of all parallelism (files, evtx chunks); 0 = all cores.
    pub threads: usize,
    /// The time of every netstat snapshot when given (`--netstat-time`); else the file's mtime.
    pub netstat_time: Option<UtcTime>,
    /// Concurrent half-open outgoing connections at which the Windows limit bites (XP SP2: 10).
    pub half_open_limit: u32,
    /// Seconds after its first SYN at which a sender gives up an unanswered connect
    /// (Windows XP–7 defaults: SYNs at t, t+3 s, t+9 s, give up at t+21 s).
    pub give_up_s: f64,
    /// Extra host identities from `--host NAME=IP`.
    pub hosts: Vec<(String, IpAddr)>,
}

impl Config {
    /// Defaults: all cores, limit 10, give-up 21 s, file mtimes for netstat.
    pub fn new(paths: Vec<PathBuf>) -> Self {
        Config {
            paths,
            threads: 0,
            netstat_time: None,
            half_open_limit: 10,
            give_up_s: 21.0,
            hosts: Vec::new(),
        }
    }
}
