//! A report that is not a query's answer (`dossier sources`): a header,
//! rows as people read them and as machines do, and its JSON document,
//! written in any output format.

use super::*;

/// What a report holds.
pub struct Report {
    pub header: Vec<String>,
    /// The rows as tables show them (a percentage, a dash for nothing).
    pub shown: Vec<Vec<String>>,
    /// The rows as CSV and tabs give them (a fraction, empty for nothing).
    pub plain: Vec<Vec<String>>,
    /// One JSON object a row, for JSON Lines.
    pub records: Vec<serde_json::Value>,
    /// The whole report as one JSON document.
    pub json: serde_json::Value,
    /// What a row is, for the table's last line: `(3 sources)`.
    pub what: &'static str,
}

/// The reports of the command line and the shell: `sources` (or its
/// sentences no quote touches), `claims` and `conflicts`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listing {
    Sources { uncited: bool },
    Claims,
    Conflicts,
}

impl Listing {
    /// The report of `graph`; what it leaves out is said on stderr.
    pub fn report(self, graph: &Graph) -> Report {
        match self {
            Listing::Claims => crate::claims::report(graph),
            Listing::Conflicts => {
                let (list, _, cut) = crate::conflicts::report(graph);
                if cut {
                    eprintln!(
                        "note: more contradictions were left out; the first {} are listed",
                        crate::conflicts::MAX_CONFLICTS
                    );
                }
                list
            }
            Listing::Sources { uncited } => {
                let (rows, problems) = crate::coverage::sources(graph);
                for p in problems {
                    eprintln!("warning: {p}; its coverage is left out");
                }
                if uncited {
                    crate::coverage::uncited_report(&rows)
                } else {
                    crate::coverage::report(&rows)
                }
            }
        }
    }
}

/// Writes `report` in `format`.
pub fn write_report(
    out: &mut dyn Write,
    report: &Report,
    format: Format,
    view: &View,
) -> io::Result<()> {
    let header: Vec<&str> = report.header.iter().map(String::as_str).collect();
    let mut buffer = Vec::new();
    match format {
        Format::Table => {
            aligned_view(&mut buffer, &header, &report.shown, view)?;
            footer(&mut buffer, report.shown.len(), report.what)?;
        }
        Format::Box => boxed(&mut buffer, &header, &report.shown, view)?,
        Format::Markdown => markdown(&mut buffer, &header, &report.shown)?,
        Format::Line => line_mode(&mut buffer, &header, &report.shown)?,
        Format::Tabs => tabs(&mut buffer, &header, &report.plain, view.headers)?,
        Format::Csv => {
            if view.headers {
                csv_row(out, &report.header)?;
            }
            for row in &report.plain {
                csv_row(out, row)?;
            }
            return Ok(());
        }
        Format::Json => {
            serde_json::to_writer(&mut *out, &report.json)?;
            return writeln!(out);
        }
        Format::Jsonl => {
            for r in &report.records {
                serde_json::to_writer(&mut *out, r)?;
                writeln!(out)?;
            }
            return Ok(());
        }
    }
    out.write_all(escape_controls(&String::from_utf8_lossy(&buffer)).as_bytes())
}
