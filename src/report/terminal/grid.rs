//! Tables that fit the width: a [`Grid`] collects rows as text, then is written as a comfy-table
//! whose columns are at least as wide as their widest unbreakable piece (a whole time, number or
//! path in an atomic column, the longest word elsewhere), so no value is split. When even that
//! does not fit the width, each row is written as a block of `header: value` lines instead.

use super::{Terminal, cut_middle, pieces, text_width, wrap};
use crate::model::Severity;
use comfy_table::{Cell, ColumnConstraint, Width};
use std::io::Write;

/// Columns and rows of one table, as text, before layout.
pub(super) struct Grid {
    /// Column headers.
    header: Vec<String>,
    /// Per column: whether a cell is never broken (times, numbers, paths).
    atomic: Vec<bool>,
    /// A column of paths that may be cut in the middle when the table does not fit otherwise.
    cuttable: Option<usize>,
    /// The cells, each with the severity it is coloured by.
    rows: Vec<Vec<(String, Option<Severity>)>>,
}

impl Grid {
    /// An empty grid with `header`; every column breaks at spaces until [`Grid::atomic`].
    pub(super) fn new(header: &[&str]) -> Grid {
        Grid {
            header: header.iter().map(|h| (*h).to_string()).collect(),
            atomic: vec![false; header.len()],
            cuttable: None,
            rows: Vec::new(),
        }
    }

    /// Marks column `col` (atomic paths) as cut in the middle (`…`) when the table is too wide.
    pub(super) fn cuttable(mut self, col: usize) -> Grid {
        self.cuttable = Some(col);
        self
    }

    /// Marks the columns `cols` as never broken.
    pub(super) fn atomic(mut self, cols: &[usize]) -> Grid {
        for c in cols {
            if let Some(a) = self.atomic.get_mut(*c) {
                *a = true;
            }
        }
        self
    }

    /// Adds a row of uncoloured cells.
    pub(super) fn row(&mut self, cells: Vec<String>) {
        self.rows
            .push(cells.into_iter().map(|c| (c, None)).collect());
    }

    /// Adds a row of cells with their colours.
    pub(super) fn row_painted(&mut self, cells: Vec<(String, Option<Severity>)>) {
        self.rows.push(cells);
    }

    /// The narrowest content width of each column that splits no unbreakable piece.
    fn lower_bounds(&self) -> Vec<usize> {
        (0..self.header.len())
            .map(|c| {
                let words = |s: &str| {
                    s.lines()
                        .flat_map(pieces)
                        .map(|p| text_width(&p))
                        .max()
                        .unwrap_or(0)
                };
                let lines = |s: &str| s.lines().map(text_width).max().unwrap_or(0);
                let cells = self
                    .rows
                    .iter()
                    .filter_map(|r| r.get(c))
                    .map(|(s, _)| if self.atomic[c] { lines(s) } else { words(s) });
                cells.chain([words(&self.header[c])]).max().unwrap_or(0)
            })
            .collect()
    }
}

impl Terminal {
    /// Writes `g` as a table within the width, or as blocks when the table cannot fit.
    pub(super) fn write_grid(&self, g: &Grid, out: &mut dyn Write) -> std::io::Result<()> {
        let mut bounds = g.lower_bounds();
        let mut need: usize = bounds.iter().sum::<usize>() + 3 * bounds.len() + 1;
        let mut cut = None;
        if let (Some(w), Some(c)) = (self.width, g.cuttable) {
            let over = need.saturating_sub(usize::from(w));
            if over > 0 && bounds[c] >= over + 16 {
                bounds[c] -= over;
                need -= over;
                cut = Some((c, bounds[c]));
            }
        }
        if let Some(w) = self.width
            && need > usize::from(w)
        {
            return self.write_blocks(g, usize::from(w), out);
        }
        let header: Vec<&str> = g.header.iter().map(String::as_str).collect();
        let mut t = self.table(&header);
        for r in &g.rows {
            t.add_row(
                r.iter()
                    .enumerate()
                    .map(|(i, (s, sev))| {
                        let text = match cut {
                            Some((c, max)) if c == i => cut_middle(s, max),
                            _ => unbroken(s),
                        };
                        self.cell(*sev, text)
                    })
                    .collect::<Vec<Cell>>(),
            );
        }
        if self.width.is_some() {
            let constraints = bounds.iter().map(|b| {
                // The boundary includes the cell's padding (one column each side).
                ColumnConstraint::LowerBoundary(Width::Fixed(
                    u16::try_from(*b + 2).unwrap_or(u16::MAX),
                ))
            });
            t.set_constraints(constraints);
        }
        writeln!(out, "{t}")
    }

    /// Each row as a block: its first cell, then `header: value` per non-empty cell, wrapped.
    fn write_blocks(&self, g: &Grid, width: usize, out: &mut dyn Write) -> std::io::Result<()> {
        for r in &g.rows {
            let mut cells = r.iter().zip(&g.header);
            if let Some(((first, sev), _)) = cells.next() {
                let head = self.paint_opt(*sev, first);
                writeln!(out, "  {head}")?;
            }
            for ((value, sev), header) in cells.filter(|((v, _), _)| !v.is_empty()) {
                let text = format!("{header}: {}", value.replace('\n', " "));
                for (i, line) in wrap(&text, width.saturating_sub(4), 2).iter().enumerate() {
                    let line = if i == 0 {
                        self.paint_opt(*sev, line)
                    } else {
                        line.clone()
                    };
                    writeln!(out, "    {line}")?;
                }
            }
        }
        Ok(())
    }
}

/// `s` with the spaces inside each time and duration ([`pieces`]) made no-break spaces, so that
/// the table breaks lines only between them.
fn unbroken(s: &str) -> String {
    s.lines()
        .map(|l| {
            pieces(l)
                .iter()
                .map(|p| p.replace(' ', "\u{a0}"))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect::<Vec<_>>()
        .join("\n")
}
