//! Claims: what the graph says, each said once however many statements say
//! it. A claim is its subject, relation (or a fact's predicate) and object;
//! the statements that make it are its evidence, and the sources they cite
//! its support. `dossier claims` and `.claims` list the claims with fewer
//! than two distinct sources, unsourced ones among them: what still needs
//! a second source.

use crate::graph::{Graph, Origin, Sym};
use crate::output::Report;
use petgraph::graph::NodeIndex;
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};

/// One claim and its evidence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    pub subject: NodeIndex,
    pub relation: Sym,
    /// `None` for a fact.
    pub object: Option<NodeIndex>,
    /// The distinct sources its statements cite, by name.
    pub sources: BTreeSet<String>,
    /// Where each of its statements was written, in file order.
    pub statements: Vec<Origin>,
}

/// What identifies a claim: its relation, subject and object (none for a
/// fact).
pub type ClaimKey = (Sym, NodeIndex, Option<NodeIndex>);

/// The number of distinct sources of each claim.
pub type SourceCounts = std::collections::HashMap<ClaimKey, usize>;

/// How many distinct sources each claim has (`@sources` in a pattern).
pub fn source_counts(graph: &Graph) -> SourceCounts {
    claims(graph)
        .into_iter()
        .map(|c| ((c.relation, c.subject, c.object), c.sources.len()))
        .collect()
}

/// Every claim of the graph, by relation, subject and object (by name).
pub fn claims(graph: &Graph) -> Vec<Claim> {
    type Key = (Sym, NodeIndex, Option<NodeIndex>);
    let mut by: BTreeMap<Key, Claim> = BTreeMap::new();
    let mut add = |key: Key, attrs: u32, origin: Origin| {
        let claim = by.entry(key).or_insert_with(|| Claim {
            subject: key.1,
            relation: key.0,
            object: key.2,
            sources: BTreeSet::new(),
            statements: Vec::new(),
        });
        if let Some(s) = graph.cited(attrs).source {
            claim.sources.insert(s.to_string());
        }
        claim.statements.push(origin);
    };
    let g = graph.petgraph();
    for e in g.edge_indices() {
        let (a, b) = g.edge_endpoints(e).expect("edges have ends");
        add((g[e].relation, a, Some(b)), g[e].attrs, g[e].origin);
    }
    for f in graph.facts() {
        add((f.predicate, f.subject, None), f.attrs, f.origin);
    }
    let mut list: Vec<Claim> = by.into_values().collect();
    let name = |n: NodeIndex| &*graph.entity(n).name;
    list.sort_by(|a, b| {
        (
            graph.relations.name(a.relation),
            name(a.subject),
            a.object.map(name),
        )
            .cmp(&(
                graph.relations.name(b.relation),
                name(b.subject),
                b.object.map(name),
            ))
    });
    for c in &mut list {
        c.statements.sort();
    }
    list
}

/// The claims with fewer than two distinct sources, as a report.
pub fn report(graph: &Graph) -> Report {
    let header: Vec<String> = [
        "relation",
        "subject",
        "object",
        "sources",
        "cited",
        "statements",
        "first",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let weak: Vec<Claim> = claims(graph)
        .into_iter()
        .filter(|c| c.sources.len() < 2)
        .collect();
    let place = |o: &Origin| format!("{}:{}", graph.files[o.file as usize], o.line);
    let mut shown = Vec::new();
    let mut plain = Vec::new();
    let mut records = Vec::new();
    for c in &weak {
        let relation = graph.relations.name(c.relation).to_string();
        let subject = graph.entity(c.subject).name.to_string();
        let object = c.object.map(|o| graph.entity(o).name.to_string());
        let cited: Vec<&str> = c.sources.iter().map(String::as_str).collect();
        let row = |dash: &str| {
            vec![
                relation.clone(),
                subject.clone(),
                object.clone().unwrap_or_else(|| dash.to_string()),
                c.sources.len().to_string(),
                if cited.is_empty() {
                    dash.to_string()
                } else {
                    cited.join(", ")
                },
                c.statements.len().to_string(),
                place(&c.statements[0]),
            ]
        };
        shown.push(row("-"));
        plain.push(row(""));
        records.push(json!({
            "relation": relation,
            "subject": subject,
            "object": object,
            "sources": c.sources.len(),
            "cited": cited,
            "statements": c.statements.iter().map(|o| json!({
                "file": graph.files[o.file as usize], "line": o.line
            })).collect::<Vec<_>>(),
        }));
    }
    Report {
        header,
        shown,
        plain,
        json: json!({ "claims": records }),
        records,
        what: "claim",
    }
}
