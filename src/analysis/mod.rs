//! Pure functions over typed records: handshakes, half-open concurrency, event meanings.

pub mod alarm;
pub mod attempts;
pub mod connections;
pub mod crowd;
pub mod events;
pub mod halfopen;
pub mod handshake;
pub mod netstat_facts;
pub(crate) mod sender_order;
pub(crate) mod slots;
pub mod source;
#[cfg(test)]
pub(crate) mod test_packets;
