//! Query scripts (`.kgq`): each command as `dossier -f` reads it, its
//! query parsed and, for a moment, run on the graph, so that a syntax error
//! or a name the graph does not have is shown where it is written.

use super::text::Lines;
use crate::graph::Graph;
use lsp_types as lsp;
use std::time::{Duration, Instant};

/// How long one query may run to show its errors, and all of a script's.
const EACH: Duration = Duration::from_millis(20);
const ALL: Duration = Duration::from_millis(200);

/// The diagnostics of a script's text, its queries asked of `graph`.
pub fn diagnostics(uri: &lsp::Uri, text: &str, graph: &Graph) -> Vec<lsp::Diagnostic> {
    let lines = Lines::new(text);
    let starts: Vec<usize> = std::iter::once(0)
        .chain(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1))
        .collect();
    let started = Instant::now();
    let mut out = Vec::new();
    for (first, command, meta) in crate::session::script_commands(text) {
        if meta {
            continue;
        }
        let offset = starts[first];
        let mut sources = crate::diagnostic::Sources::new();
        let file = sources.add("<script>", text);
        let parsed = crate::query::parse_query(file, offset, &command);
        let result = parsed.and_then(|q| {
            if started.elapsed() > ALL {
                return Ok(());
            }
            let limits = crate::query::eval::default_limits();
            crate::query::eval::evaluate_until(graph, file, &q, limits, Instant::now() + EACH)
                .map(|_| ())
        });
        let Err(d) = result else { continue };
        // A script sets its parameters as it runs (`.param set`): a query
        // that uses one is not judged here.
        if d.message.contains("parameter") {
            continue;
        }
        let span = d.place.map_or((offset, offset + command.len()), |p| {
            (p.span.start, p.span.end)
        });
        let range = lines.range(text, span.0, span.1);
        let related = d.help.as_ref().map(|help| {
            vec![lsp::DiagnosticRelatedInformation {
                location: lsp::Location::new(uri.clone(), range),
                message: format!("help: {help}"),
            }]
        });
        out.push(lsp::Diagnostic {
            range,
            severity: Some(lsp::DiagnosticSeverity::ERROR),
            source: Some("dossier".into()),
            message: d.message.clone(),
            related_information: related,
            ..lsp::Diagnostic::default()
        });
    }
    out
}
