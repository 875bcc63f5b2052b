//! The shape of the code, checked (issue 16; ARCHITECTURE.md says why):
//! - the top-level modules form layers that point one way (model ← ingest ← analysis ← … ← cli);
//! - below every module, its child modules form a DAG: no two siblings use each other, directly
//!   or through other siblings (child → parent `super::` uses are how Rust shares a parent's
//!   types and are allowed);
//! - no non-test source file is over 600 lines (the lines before its `#[cfg(test)]` module).
//!
//! Uses are read from the source text: `crate::a::b` and `super::…` paths outside comments and
//! test modules, resolved to the longest module path that is a file of `src/`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The top-level modules, lowest layer first; a module may use its own layer and those below.
const LAYERS: &[&[&str]] = &[
    &["model"],
    &["ingest"],
    &["analysis"],
    &["correlate"],
    &["report"],
    &["config"],
    &["outfile", "pipeline"],
    &["batch"],
    &["schema"],
    &["cli"],
];

/// Longest allowed non-test part of a source file, in lines.
const MAX_FILE_LINES: usize = 600;

/// A source file of the library: its module path (`["ingest", "evtx"]`) and its text.
struct Module {
    path: Vec<String>,
    file: PathBuf,
    /// The non-test lines, comments removed.
    code: Vec<String>,
    /// How many lines come before the test module.
    non_test_lines: usize,
}

fn modules() -> Vec<Module> {
    let mut out = Vec::new();
    let mut todo = vec![PathBuf::from("src")];
    while let Some(dir) = todo.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                todo.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") && !p.ends_with("src/main.rs") {
                out.push(read_module(&p));
            }
        }
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

fn module_path(file: &Path) -> Vec<String> {
    let rel = file.strip_prefix("src").unwrap();
    let mut parts: Vec<String> = rel
        .iter()
        .map(|s| s.to_string_lossy().into_owned())
        .collect();
    let last = parts.pop().unwrap();
    match last.as_str() {
        "lib.rs" | "mod.rs" => {}
        name => parts.push(name.trim_end_matches(".rs").to_string()),
    }
    parts
}

fn read_module(file: &Path) -> Module {
    let text = std::fs::read_to_string(file).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let non_test_lines = lines
        .iter()
        .position(|l| l.starts_with("#[cfg(test)]"))
        .unwrap_or(lines.len());
    let code = lines[..non_test_lines]
        .iter()
        .map(|l| match l.find("//") {
            Some(i) => l[..i].to_string(),
            None => l.to_string(),
        })
        .collect();
    Module {
        path: module_path(file),
        file: file.to_path_buf(),
        code,
        non_test_lines,
    }
}

/// The identifier path that follows `prefix` at `at` in `line` (`a::b::C` → `["a","b","C"]`),
/// with `{` groups expanded one level (`a::{b, c::D}` → two paths).
fn paths_after(line: &str, at: usize) -> Vec<Vec<String>> {
    let rest = &line[at..];
    let mut head = Vec::new();
    let mut cur = String::new();
    let mut chars = rest.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c.is_alphanumeric() || c == '_' {
            cur.push(c);
        } else if rest[i..].starts_with("::") {
            chars.next();
            head.push(std::mem::take(&mut cur));
            if rest[i + 2..].starts_with('{') {
                let inner = &rest[i + 3..];
                let end = inner.find('}').unwrap_or(inner.len());
                return inner[..end]
                    .split(',')
                    .map(|item| {
                        let mut p = head.clone();
                        p.extend(
                            item.trim()
                                .split("::")
                                .map(|s| s.trim().to_string())
                                .filter(|s| !s.is_empty() && s != "self"),
                        );
                        p
                    })
                    .collect();
            }
        } else {
            break;
        }
    }
    if !cur.is_empty() {
        head.push(cur);
    }
    vec![head]
}

/// Every module path this module's code names: `crate::…` absolute, `super::…` relative.
fn uses(m: &Module, known: &BTreeSet<Vec<String>>) -> BTreeSet<Vec<String>> {
    let mut out = BTreeSet::new();
    for line in &m.code {
        for (start, prefix) in [("crate::", true), ("super::", false)] {
            let mut from = 0;
            while let Some(i) = line[from..].find(start) {
                let at = from + i;
                from = at + start.len();
                // `super::super::x` is read from its first `super`.
                if !prefix && at >= 7 && line[..at].ends_with("super::") {
                    continue;
                }
                for rel in paths_after(line, at) {
                    let abs = if prefix {
                        rel[1..].to_vec()
                    } else {
                        // Each `super` is the parent module (`a::b` → `a`).
                        let mut base = m.path.clone();
                        let mut parts = rel.as_slice();
                        while parts.first().is_some_and(|p| p == "super") {
                            base.pop();
                            parts = &parts[1..];
                        }
                        base.extend(parts.iter().cloned());
                        base
                    };
                    // The longest prefix that is a module file.
                    let mut p = abs;
                    while !p.is_empty() && !known.contains(&p) {
                        p.pop();
                    }
                    if !p.is_empty() {
                        out.insert(p);
                    }
                }
            }
        }
    }
    out
}

fn layer_of(top: &str) -> usize {
    LAYERS
        .iter()
        .position(|l| l.contains(&top))
        .unwrap_or_else(|| panic!("src/{top}: add the new top-level module to LAYERS"))
}

/// Module path → the module paths it uses.
type Graph = BTreeMap<Vec<String>, BTreeSet<Vec<String>>>;

fn graph() -> (Vec<Module>, Graph) {
    let mods = modules();
    let known: BTreeSet<Vec<String>> = mods.iter().map(|m| m.path.clone()).collect();
    let mut g = BTreeMap::new();
    for m in &mods {
        let mut u = uses(m, &known);
        u.remove(&m.path);
        g.insert(m.path.clone(), u);
    }
    (mods, g)
}

#[test]
fn top_level_layers_point_one_way() {
    let (_, g) = graph();
    let mut wrong = Vec::new();
    for (from, tos) in &g {
        let Some(top) = from.first() else { continue };
        for to in tos {
            let Some(to_top) = to.first() else { continue };
            if layer_of(to_top) > layer_of(top) {
                wrong.push(format!("{} uses {}", from.join("::"), to.join("::")));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "uses against the layers:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn sibling_modules_form_a_dag_at_every_depth() {
    let (_, g) = graph();
    // Edges between siblings: from child a of P to child b of P when anything in a's subtree
    // uses anything in b's subtree.
    let mut sib: Graph = BTreeMap::new();
    for (from, tos) in &g {
        for to in tos {
            let common = from.iter().zip(to).take_while(|(a, b)| a == b).count();
            if common < from.len() && common < to.len() {
                let a = from[..=common].to_vec();
                let b = to[..=common].to_vec();
                sib.entry(a).or_default().insert(b);
            }
        }
    }
    // Depth-first search for a cycle.
    fn visit(
        n: &Vec<String>,
        sib: &Graph,
        state: &mut BTreeMap<Vec<String>, u8>,
        stack: &mut Vec<Vec<String>>,
    ) -> Option<Vec<Vec<String>>> {
        match state.get(n) {
            Some(2) => return None,
            Some(1) => {
                let at = stack.iter().position(|s| s == n).unwrap_or(0);
                let mut cycle = stack[at..].to_vec();
                cycle.push(n.clone());
                return Some(cycle);
            }
            _ => {}
        }
        state.insert(n.clone(), 1);
        stack.push(n.clone());
        for m in sib.get(n).into_iter().flatten() {
            if let Some(c) = visit(m, sib, state, stack) {
                return Some(c);
            }
        }
        stack.pop();
        state.insert(n.clone(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for n in sib.keys() {
        if let Some(cycle) = visit(n, &sib, &mut state, &mut Vec::new()) {
            let names: Vec<String> = cycle.iter().map(|c| c.join("::")).collect();
            panic!("module cycle: {}", names.join(" -> "));
        }
    }
}

#[test]
fn no_source_file_is_over_600_lines_outside_its_tests() {
    let long: Vec<String> = modules()
        .iter()
        .filter(|m| m.non_test_lines > MAX_FILE_LINES)
        .map(|m| format!("{} ({} lines)", m.file.display(), m.non_test_lines))
        .collect();
    assert!(long.is_empty(), "over {MAX_FILE_LINES} lines: {long:?}");
}

#[test]
fn the_checker_sees_a_cycle_and_a_layer_violation() {
    // The reader itself: `super::` from a file module resolves to its siblings, `crate::` paths
    // with groups expand.
    let m = Module {
        path: vec!["ingest".into(), "netstat".into(), "row".into()],
        file: PathBuf::from("src/ingest/netstat/row.rs"),
        code: vec![
            "use super::unix::{parse, Row};".into(),
            "use crate::{model::UtcTime, report::OutputFormat};".into(),
        ],
        non_test_lines: 2,
    };
    let known: BTreeSet<Vec<String>> = [
        vec!["ingest".to_string(), "netstat".into(), "unix".into()],
        vec!["model".into()],
        vec!["report".into()],
    ]
    .into_iter()
    .collect();
    let got: Vec<String> = uses(&m, &known).into_iter().map(|p| p.join("::")).collect();
    assert_eq!(got, ["ingest::netstat::unix", "model", "report"]);
    assert!(layer_of("report") > layer_of("ingest"));
}
