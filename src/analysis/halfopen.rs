//! Concurrent half-open outgoing connections per sending host. (Helper C fills this in.)

use super::handshake::Attempt;
use crate::model::UtcTime;
use std::net::IpAddr;

/// One host's half-open step series and its summary.
#[derive(Debug, Clone, PartialEq)]
pub struct HostHalfOpen {
    pub host: IpAddr,
    /// (time, count after the step), in time order; the count changes at each point.
    pub series: Vec<(UtcTime, u32)>,
    pub peak: u32,
    /// First time the peak was reached.
    pub peak_at: Option<UtcTime>,
    /// First time the count reached `limit`, if it did.
    pub limit_reached_at: Option<UtcTime>,
    /// Total seconds with the count at or above `limit`.
    pub seconds_at_limit: f64,
}

/// The half-open series of every host that sent a SYN, sorted by host address.
pub fn half_open_by_host(attempts: &[Attempt], limit: u32) -> Vec<HostHalfOpen> {
    let _ = (attempts, limit);
    Vec::new()
}
