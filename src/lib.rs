//! halfopen finds the Windows half-open TCP connection limit (Event 4226) in the evidence a
//! customer sends after an alarm-client incident, and puts it on one UTC timeline.
//!
//! The pipeline:
//! 1. [`pipeline`] finds the files, recognises each format from its content ([`ingest::detect`])
//!    and runs one ingester per file in parallel: [`ingest::evtx`], [`ingest::netstat`],
//!    [`ingest::capture`]. Damage becomes [`model::Problem`]s, never panics.
//! 2. [`analysis`] derives facts: TCP handshakes and SYN retransmissions
//!    ([`analysis::handshake`]), concurrent half-open connections per host
//!    ([`analysis::halfopen`]), the meaning of Tcpip/EventLog events ([`analysis::events`]).
//! 3. [`correlate`] merges hosts across sources, builds the timeline of
//!    [`model::TimelineEntry`]s and the findings.
//! 4. [`report`] renders the [`correlate::Analysis`] (terminal tables or JSON).
//!
//! ```no_run
//! let config = halfopen::config::Config::new(vec!["fixtures/demo".into()]);
//! let analysis = halfopen::analyze(&config);
//! for f in &analysis.findings {
//!     println!("{}: {}", f.host, f.summary);
//! }
//! ```

#![warn(missing_docs)]
#![warn(clippy::too_many_lines)]

pub mod analysis;
pub mod batch;
pub mod cli;
pub mod config;
pub mod correlate;
pub mod ingest;
pub mod model;
pub mod outfile;
pub mod pipeline;
pub mod report;
pub mod schema;

/// Runs the whole pipeline on `config.paths`: ingest, analysis, correlation, on a pool of
/// `config.threads` workers built for this call ([`pipeline::on_pool`]).
pub fn analyze(config: &config::Config) -> correlate::Analysis {
    pipeline::on_pool(config.threads, || analyze_on_current_pool(config))
}

/// [`analyze`] on the rayon pool the caller already runs in (`batch` runs each incident on its
/// one pool this way); `config.threads` is not read.
pub fn analyze_on_current_pool(config: &config::Config) -> correlate::Analysis {
    analyze_observed_here(config, &pipeline::NoProgress)
}

/// Ingest, resolve alarm endpoint names from the evidence when some are pending, correlate.
/// A name that cannot be resolved is a warning at the top of the report (its endpoint is left
/// out), since the run has already read everything by then.
fn analyze_observed_here(
    config: &config::Config,
    progress: &dyn pipeline::Progress,
) -> correlate::Analysis {
    let (inputs, errors) = pipeline::ingest_all_observed(config, progress);
    if config.alarm_names.is_empty() {
        return correlate::correlate(&inputs, &errors, &config.correlate_settings());
    }
    let (used, inputs, failed) = pipeline::resolve_alarm_names(config, inputs);
    let mut analysis = correlate::correlate(&inputs, &errors, &used.correlate_settings());
    if let Some(e) = failed {
        analysis
            .warnings
            .insert(0, format!("{e}; alarm gaps were not tracked for it"));
    }
    analysis
}

/// [`analyze`], telling `progress` about each file as it is read (`analyze -v`, the progress
/// bar); the result is the same as [`analyze`]'s.
pub fn analyze_observed(
    config: &config::Config,
    progress: &dyn pipeline::Progress,
) -> correlate::Analysis {
    pipeline::on_pool(config.threads, || analyze_observed_here(config, progress))
}
