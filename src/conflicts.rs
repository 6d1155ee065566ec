//! Contradictions between statements, flagged and never resolved, when
//! the statements' valid times overlap: the same claim (subject, relation
//! and object) given two values for one key (`attribute`); one subject
//! with two objects of a `functional` relation (`functional`); one subject
//! and object with two relations that exclude each other (`excludes`). `dossier conflicts` and
//! `.conflicts` list them, a pair of statements an entry; `dossier check
//! --conflicts` fails when there is one. A contradiction never stops a
//! load and never hides a statement.

use crate::graph::{AttrsId, Graph, PROVENANCE_KEYS, Sym};
use crate::output::{Report, Source, edge_source, fact_source};
use crate::value::{Date, Value};
use petgraph::graph::NodeIndex;
use serde_json::json;
use std::collections::BTreeMap;

/// At most this many contradictions are listed; past it, the list says
/// it was cut.
pub const MAX_CONFLICTS: usize = 10_000;

/// The keys that say when a statement holds, not what it says.
const TIME_KEYS: [&str; 3] = ["date", "from", "until"];

/// One contradiction: two statements, and what they disagree on.
#[derive(Debug, Clone, PartialEq)]
pub struct Conflict {
    /// `attribute`, `functional` or `excludes`.
    pub kind: &'static str,
    /// The attribute, or the relation(s) declared.
    pub key: String,
    pub values: (String, String),
    pub statements: (Source, Source),
}

/// When a statement holds: from `date` or `from` (none: always before),
/// until `until` (none: always after), both days included.
fn valid_time(graph: &Graph, attrs: AttrsId) -> (Option<Date>, Option<Date>) {
    let (mut start, mut end) = (None, None);
    for (k, v) in graph.attrs(attrs) {
        if let Value::Date(d) = v {
            match graph.keys.name(*k) {
                "date" | "from" => start = Some(*d),
                "until" => end = Some(*d),
                _ => {}
            }
        }
    }
    (start, end)
}

fn overlap(a: (Option<Date>, Option<Date>), b: (Option<Date>, Option<Date>)) -> bool {
    let before = |end: Option<Date>, start: Option<Date>| matches!((end, start), (Some(e), Some(s)) if e < s);
    !before(a.1, b.0) && !before(b.1, a.0)
}

/// The claim's values: its attributes but its evidence and its times.
fn values(graph: &Graph, attrs: AttrsId) -> Vec<(Sym, &Value)> {
    graph
        .attrs(attrs)
        .iter()
        .filter(|(k, _)| {
            let key = graph.keys.name(*k);
            !PROVENANCE_KEYS.contains(&key) && !TIME_KEYS.contains(&key)
        })
        .map(|(k, v)| (*k, v))
        .collect()
}

/// Every contradiction of the graph (at most [`MAX_CONFLICTS`]), by
/// claim, and whether the list was cut.
pub fn conflicts(graph: &Graph) -> (Vec<Conflict>, bool) {
    // The statements of each claim, as (attributes, how to show it).
    type Key = (Sym, NodeIndex, Option<NodeIndex>);
    let mut claims: BTreeMap<Key, Vec<(AttrsId, Statement)>> = BTreeMap::new();
    let g = graph.petgraph();
    for e in g.edge_indices() {
        let (a, b) = g.edge_endpoints(e).expect("edges have ends");
        claims
            .entry((g[e].relation, a, Some(b)))
            .or_default()
            .push((g[e].attrs, Statement::Edge(e)));
    }
    for (i, f) in graph.facts().iter().enumerate() {
        claims
            .entry((f.predicate, f.subject, None))
            .or_default()
            .push((f.attrs, Statement::Fact(i)));
    }
    let show = |s: &Statement| match s {
        Statement::Edge(e) => edge_source(graph, *e),
        Statement::Fact(i) => fact_source(graph, &graph.facts()[*i]),
    };
    let mut out = Vec::new();
    // Declared contradictions: statements grouped by (relation, subject)
    // for functional relations, by (subject, object) for exclusions.
    let declared: Vec<(Sym, &crate::graph::RelationInfo)> =
        graph.declarations.iter().map(|(r, d)| (*r, d)).collect();
    let functional: std::collections::HashSet<Sym> = declared
        .iter()
        .filter(|(_, d)| d.functional)
        .map(|(r, _)| *r)
        .collect();
    let excludes: Vec<(Sym, Sym)> = declared
        .iter()
        .filter_map(|(r, d)| d.excludes.map(|x| (*r, x)))
        .collect();
    if !functional.is_empty() || !excludes.is_empty() {
        let mut by_subject: BTreeMap<(Sym, NodeIndex), Vec<petgraph::graph::EdgeIndex>> =
            BTreeMap::new();
        let mut by_pair: BTreeMap<(NodeIndex, NodeIndex), Vec<petgraph::graph::EdgeIndex>> =
            BTreeMap::new();
        let excluded: std::collections::HashSet<Sym> =
            excludes.iter().flat_map(|(a, b)| [*a, *b]).collect();
        for e in g.edge_indices() {
            let (a, b) = g.edge_endpoints(e).expect("edges have ends");
            if functional.contains(&g[e].relation) {
                by_subject.entry((g[e].relation, a)).or_default().push(e);
            }
            if excluded.contains(&g[e].relation) {
                by_pair.entry((a, b)).or_default().push(e);
            }
        }
        let times = |e: petgraph::graph::EdgeIndex| valid_time(graph, g[e].attrs);
        for list in by_subject.values() {
            for (i, &x) in list.iter().enumerate() {
                for &y in &list[i + 1..] {
                    let (ox, oy) = (
                        g.edge_endpoints(x).expect("ends").1,
                        g.edge_endpoints(y).expect("ends").1,
                    );
                    if ox == oy || !overlap(times(x), times(y)) {
                        continue;
                    }
                    if out.len() == MAX_CONFLICTS {
                        return (out, true);
                    }
                    out.push(Conflict {
                        kind: "functional",
                        key: graph.relations.name(g[x].relation).to_string(),
                        values: (
                            graph.entity(ox).name.to_string(),
                            graph.entity(oy).name.to_string(),
                        ),
                        statements: (edge_source(graph, x), edge_source(graph, y)),
                    });
                }
            }
        }
        for list in by_pair.values() {
            for (i, &x) in list.iter().enumerate() {
                for &y in &list[i + 1..] {
                    let (rx, ry) = (g[x].relation, g[y].relation);
                    let clash = excludes
                        .iter()
                        .any(|&(a, b)| (a, b) == (rx, ry) || (b, a) == (rx, ry));
                    if !clash || !overlap(times(x), times(y)) {
                        continue;
                    }
                    if out.len() == MAX_CONFLICTS {
                        return (out, true);
                    }
                    let (nx, ny) = (graph.relations.name(rx), graph.relations.name(ry));
                    out.push(Conflict {
                        kind: "excludes",
                        key: format!("{nx} excludes {ny}"),
                        values: (nx.to_string(), ny.to_string()),
                        statements: (edge_source(graph, x), edge_source(graph, y)),
                    });
                }
            }
        }
    }
    for list in claims.values() {
        if list.len() < 2 {
            continue;
        }
        for (i, (a, sa)) in list.iter().enumerate() {
            let va = values(graph, *a);
            if va.is_empty() {
                continue;
            }
            for (b, sb) in &list[i + 1..] {
                if !overlap(valid_time(graph, *a), valid_time(graph, *b)) {
                    continue;
                }
                for (key, value) in values(graph, *b) {
                    let Some((_, other)) = va.iter().find(|(k, _)| *k == key) else {
                        continue;
                    };
                    if *other == value {
                        continue;
                    }
                    if out.len() == MAX_CONFLICTS {
                        return (out, true);
                    }
                    out.push(Conflict {
                        kind: "attribute",
                        key: graph.keys.name(key).to_string(),
                        values: (other.to_string(), value.to_string()),
                        statements: (show(sa), show(sb)),
                    });
                }
            }
        }
    }
    (out, false)
}

enum Statement {
    Edge(petgraph::graph::EdgeIndex),
    Fact(usize),
}

/// The contradictions as a report, and whether the list was cut.
pub fn report(graph: &Graph) -> (Report, usize, bool) {
    let (list, cut) = conflicts(graph);
    let header: Vec<String> = [
        "kind",
        "key",
        "first",
        "second",
        "first statement",
        "second statement",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let mut rows = Vec::new();
    let mut records = Vec::new();
    for c in &list {
        let (a, b) = &c.statements;
        rows.push(vec![
            c.kind.to_string(),
            c.key.clone(),
            c.values.0.clone(),
            c.values.1.clone(),
            a.line_text(),
            b.line_text(),
        ]);
        records.push(json!({
            "kind": c.kind,
            "key": c.key,
            "values": [c.values.0, c.values.1],
            "statements": [a, b],
        }));
    }
    let mut doc = json!({ "conflicts": records });
    if cut {
        doc["truncated"] = json!(true);
    }
    let n = list.len();
    (
        Report {
            header,
            shown: rows.clone(),
            plain: rows,
            json: doc,
            records,
            what: "conflict",
        },
        n,
        cut,
    )
}
