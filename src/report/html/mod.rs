//! `--format html`: one self-contained file (inline CSS, SVG and a little JS; no network).
//!
//! Layout (issue 7): verdicts and findings first; then per host a chart of the half-open step
//! line against the limit, with Event 4226 markers, SYN-retransmission density, alarm gaps as
//! bands and netstat snapshots as points (hover shows the entry); then the timeline with filters
//! by host, kind and source. Times read `2026-03-14 10:02:13.000 UTC`, or in the `--tz` zone with
//! its offset.
//!
//! The geometry of every chart is computed here, in a view model ([`Page`], [`Chart`]); the
//! minijinja template `templates/report.html` only lays it out (and escapes every text). All
//! facts come from the [`Analysis`]: a host's chart needs its `half_open_series` for the step
//! line, and shows the other layers without it.
//!
//! Submodules: `page` (the view model of the text sections), `timeline` (the timeline rows
//! and filters), `chart` (one chart per host) on `scale` (axes, ticks and the step path).

mod chart;
mod page;
mod scale;
mod timeline;

pub use chart::{Band, Chart, Mark};
pub use page::{FindingView, InputView, Page, VerdictView};
pub use scale::Tick;
pub use timeline::Row;

use super::Renderer;
use crate::correlate::Analysis;
use crate::model::NamedTz;
use std::io::Write;

/// The template, compiled into the binary.
const TEMPLATE: &str = include_str!("../../../templates/report.html");

/// The HTML report: [`Page::in_zone`] rendered with `templates/report.html`, UTF-8.
#[derive(Debug, Clone, Default)]
pub struct Html {
    /// Shows every time in this zone with its offset (default: UTC).
    pub tz: Option<NamedTz>,
}

impl Renderer for Html {
    fn render(&self, analysis: &Analysis, out: &mut dyn Write) -> std::io::Result<()> {
        let page = Page::in_zone(analysis, self.tz.as_ref());
        let html = render_page(&page).map_err(std::io::Error::other)?;
        out.write_all(html.as_bytes())
    }
}

/// Renders `page` with the report template: the whole HTML document.
pub fn render_page(page: &Page) -> Result<String, minijinja::Error> {
    let mut env = minijinja::Environment::new();
    env.add_template("report.html", TEMPLATE)?;
    let ctx = serde_json::to_value(page).map_err(|e| {
        minijinja::Error::new(minijinja::ErrorKind::BadSerialization, e.to_string())
    })?;
    env.get_template("report.html")?.render(to_value(ctx))
}

/// A JSON value as a template value (minijinja is built without its `serde` feature).
fn to_value(v: serde_json::Value) -> minijinja::Value {
    use minijinja::Value;
    use serde_json::Value as J;
    match v {
        J::Null => Value::from(()),
        J::Bool(b) => Value::from(b),
        J::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
            (Some(i), _, _) => Value::from(i),
            (_, Some(u), _) => Value::from(u),
            (_, _, Some(f)) => Value::from(f),
            _ => Value::from(n.to_string()),
        },
        J::String(s) => Value::from(s),
        J::Array(a) => Value::from(a.into_iter().map(to_value).collect::<Vec<_>>()),
        J::Object(o) => Value::from(
            o.into_iter()
                .map(|(k, v)| (k, to_value(v)))
                .collect::<std::collections::BTreeMap<String, Value>>(),
        ),
    }
}
