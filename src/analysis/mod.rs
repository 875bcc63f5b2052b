//! Pure functions over typed records: handshakes, half-open concurrency, event meanings.

pub mod alarm;
pub mod events;
pub mod halfopen;
pub mod handshake;
pub mod netstat_facts;
#[cfg(test)]
pub(crate) mod test_packets;
