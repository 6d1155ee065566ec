//! `dossier sources` and `.sources`: a row a source, with the statements
//! that cite it, its quotes verified (and at which rung), and how much of
//! its document they cover: the share of its sentences (Unicode sentence
//! boundaries) that some quote overlaps. `--uncited` lists the sentences
//! no quote touches instead: what the graph does not hold yet.

use crate::graph::{Graph, Match};
use crate::load::document::Sentence;
use crate::load::quotes::{document_path, read_document};
use crate::output::Report;
use petgraph::graph::NodeIndex;
use serde_json::json;

/// One source's figures.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceRow {
    pub source: String,
    pub title: Option<String>,
    /// The document, as shown, when the source has a `file`.
    pub file: Option<String>,
    /// Declarations, statements and facts that cite it.
    pub statements: usize,
    /// Of those, the ones with a quote; and of those, the ones verified,
    /// by rung.
    pub quotes: usize,
    pub exact: usize,
    pub whitespace: usize,
    pub typography: usize,
    /// Sentences of the document, and those some quote overlaps; `None`
    /// when there is no document, or it cannot be read now.
    pub sentences: Option<(usize, usize)>,
    /// The sentences no quote overlaps.
    pub uncited: Vec<Sentence>,
}

impl SourceRow {
    pub fn verified(&self) -> usize {
        self.exact + self.whitespace + self.typography
    }

    pub fn coverage(&self) -> Option<f64> {
        self.sentences.map(|(all, covered)| {
            if all == 0 {
                0.0
            } else {
                covered as f64 / all as f64
            }
        })
    }
}

/// Every source of the graph, by name; problems reading a document now
/// (it was read at load) are returned to be said.
pub fn sources(graph: &Graph) -> (Vec<SourceRow>, Vec<String>) {
    let mut problems = Vec::new();
    let Some(kind) = graph.kinds.get("source") else {
        return (Vec::new(), problems);
    };
    let mut list: Vec<(NodeIndex, &str)> = graph
        .entities()
        .filter(|(_, e)| e.kind == kind)
        .map(|(n, e)| (n, &*e.name))
        .collect();
    list.sort_by(|a, b| a.1.cmp(b.1));
    let mut rows: Vec<SourceRow> = list
        .iter()
        .map(|&(n, name)| SourceRow {
            source: name.to_string(),
            title: graph.label(n).map(str::to_string),
            file: document_path(graph, n).map(|p| p.display().to_string()),
            statements: 0,
            quotes: 0,
            exact: 0,
            whitespace: 0,
            typography: 0,
            sentences: None,
            uncited: Vec::new(),
        })
        .collect();
    let index: std::collections::HashMap<&str, usize> = list
        .iter()
        .enumerate()
        .map(|(i, (_, name))| (*name, i))
        .collect();
    // Each anchor's range, by source, for the coverage.
    let mut ranges: Vec<Vec<(u64, u64)>> = vec![Vec::new(); rows.len()];
    let mut count = |attrs: u32| {
        if attrs == 0 {
            return;
        }
        let cited = graph.cited(attrs);
        let Some(&i) = cited.source.and_then(|s| index.get(s)) else {
            return;
        };
        let row = &mut rows[i];
        row.statements += 1;
        if cited.quote.is_none() {
            return;
        }
        row.quotes += 1;
        if let Some(a) = graph.anchor(attrs) {
            match a.rung {
                Match::Exact => row.exact += 1,
                Match::Whitespace => row.whitespace += 1,
                Match::Typography => row.typography += 1,
            }
            ranges[i].push((a.start, a.end));
        }
    };
    graph.item_attrs().for_each(&mut count);
    for (i, &(n, _)) in list.iter().enumerate() {
        let Some(path) = document_path(graph, n) else {
            continue;
        };
        let declared_in = &graph.files[graph.entity(n).origin.file as usize];
        let document = match read_document(&path, declared_in) {
            Ok(d) => d,
            Err(e) => {
                problems.push(e);
                continue;
            }
        };
        let sentences = document.sentences();
        let mut spans = std::mem::take(&mut ranges[i]);
        spans.sort_unstable();
        let mut covered = 0;
        let mut uncited = Vec::new();
        let mut first = 0;
        for s in sentences.iter() {
            // Spans that end before this sentence never touch a later one.
            while first < spans.len() && spans[first].1 <= s.start {
                first += 1;
            }
            let touched = spans[first..]
                .iter()
                .take_while(|r| r.0 < s.end)
                .any(|r| r.1 > s.start);
            if touched {
                covered += 1;
            } else {
                uncited.push(s.clone());
            }
        }
        rows[i].sentences = Some((sentences.len(), covered));
        rows[i].uncited = uncited;
    }
    (rows, problems)
}

fn percent(c: Option<f64>) -> String {
    c.map_or("-".into(), |c| format!("{:.0}%", c * 100.0))
}

/// The sources as a report: a row a source.
pub fn report(rows: &[SourceRow]) -> Report {
    let header: Vec<String> = [
        "source",
        "statements",
        "quotes",
        "verified",
        "exact",
        "whitespace",
        "typography",
        "sentences",
        "covered",
        "coverage",
        "file",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let cells = |r: &SourceRow, dash: &str, coverage: String| {
        let (all, covered) = match r.sentences {
            Some((a, c)) => (a.to_string(), c.to_string()),
            None => (dash.to_string(), dash.to_string()),
        };
        vec![
            r.source.clone(),
            r.statements.to_string(),
            r.quotes.to_string(),
            r.verified().to_string(),
            r.exact.to_string(),
            r.whitespace.to_string(),
            r.typography.to_string(),
            all,
            covered,
            coverage,
            r.file.clone().unwrap_or_else(|| dash.to_string()),
        ]
    };
    let record = |r: &SourceRow| {
        json!({
            "source": r.source,
            "title": r.title,
            "file": r.file,
            "statements": r.statements,
            "quotes": r.quotes,
            "verified": r.verified(),
            "exact": r.exact,
            "whitespace": r.whitespace,
            "typography": r.typography,
            "sentences": r.sentences.map(|s| s.0),
            "covered": r.sentences.map(|s| s.1),
            "coverage": r.coverage(),
        })
    };
    let records: Vec<serde_json::Value> = rows.iter().map(record).collect();
    Report {
        header,
        shown: rows
            .iter()
            .map(|r| cells(r, "-", percent(r.coverage())))
            .collect(),
        plain: rows
            .iter()
            .map(|r| cells(r, "", r.coverage().map_or(String::new(), |c| c.to_string())))
            .collect(),
        json: json!({ "sources": records }),
        records,
        what: "source",
    }
}

/// The sentences no quote touches, a row each: source, line, sentence
/// (and in JSON the file and the code point range).
pub fn uncited_report(rows: &[SourceRow]) -> Report {
    let header: Vec<String> = ["source", "line", "sentence"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let mut cells = Vec::new();
    let mut records = Vec::new();
    for r in rows {
        for s in &r.uncited {
            let file = r.file.clone().unwrap_or_default();
            cells.push(vec![r.source.clone(), s.line.to_string(), s.text.clone()]);
            records.push(json!({
                "source": r.source,
                "file": file,
                "line": s.line,
                "start": s.start,
                "end": s.end,
                "sentence": s.text,
            }));
        }
    }
    Report {
        header,
        shown: cells.clone(),
        plain: cells,
        json: json!({ "uncited": records }),
        records,
        what: "sentence",
    }
}
