//! `--format json`: one JSON document (the stable shape of the end-to-end issue, plus extra keys),
//! `schema_version` ([`super::SCHEMA_VERSION`]) first, then the keys of [`Analysis`].

use super::{Renderer, Versioned};
use crate::correlate::Analysis;
use std::io::Write;

/// Pretty-printed JSON of the whole [`Analysis`].
pub struct Json;

impl Renderer for Json {
    fn render(&self, analysis: &Analysis, out: &mut dyn Write) -> std::io::Result<()> {
        serde_json::to_writer_pretty(&mut *out, &Versioned::new(analysis))?;
        out.write_all(b"\n")
    }
}
