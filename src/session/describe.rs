//! What the graph holds, in words: `.stats`, `.schema`, and what a
//! `.reload` changed.

use crate::graph::Graph;
use crate::output::aligned;
use std::collections::{BTreeMap, HashSet};
use std::hash::{BuildHasher, Hash};
use std::io::Write;

/// What a reload changed, from the graph before to the graph after.
pub fn reload_changes(old: &Graph, new: &Graph) -> String {
    let (old, new) = (fingerprint(old), fingerprint(new));
    let diff = |i: usize| {
        let added = new[i].difference(&old[i]).count() as i64;
        let removed = old[i].difference(&new[i]).count() as i64;
        (added, removed)
    };
    let (ea, er) = diff(0);
    let (ra, rr) = diff(1);
    let (fa, fr) = diff(2);
    changes(&[("entity", ea, er), ("relation", ra, rr), ("fact", fa, fr)])
}

/// `+3 relations, -1 fact`, or `no changes`.
pub fn changes(counts: &[(&str, i64, i64)]) -> String {
    let mut parts = Vec::new();
    for (what, added, removed) in counts {
        for (sign, n) in [('+', added), ('-', removed)] {
            if *n > 0 {
                parts.push(format!("{sign}{n} {}", noun(what, *n)));
            }
        }
    }
    if parts.is_empty() {
        "no changes".into()
    } else {
        parts.join(", ")
    }
}

fn noun(what: &str, n: i64) -> String {
    match (what, n) {
        (_, 1) => what.to_string(),
        ("entity", _) => "entities".to_string(),
        _ => format!("{what}s"),
    }
}

/// Hashes of every entity, relation statement and fact, by what they say
/// (names, not indices), to tell what a reload changed.
fn fingerprint(graph: &Graph) -> [HashSet<u64>; 3] {
    let hasher = foldhash::fast::FixedState::with_seed(7);
    let attrs = |id: u32| -> Vec<String> {
        graph
            .attrs(id)
            .iter()
            .map(|(k, v)| format!("{}={v}", graph.keys.name(*k)))
            .collect()
    };
    let h = |x: &dyn Fn(&mut foldhash::fast::FoldHasher)| {
        let mut state = hasher.build_hasher();
        x(&mut state);
        std::hash::Hasher::finish(&state)
    };
    let entities = graph
        .entities()
        .map(|(n, e)| {
            h(&|s| {
                (
                    &*e.name,
                    graph.kind_name(n),
                    graph.label_of(e),
                    attrs(e.attrs),
                )
                    .hash(s)
            })
        })
        .collect();
    let g = graph.petgraph();
    let edges = g
        .edge_indices()
        .map(|e| {
            let (a, b) = g.edge_endpoints(e).expect("edges have ends");
            h(&|s| {
                (
                    &*graph.entity(a).name,
                    graph.relations.name(g[e].relation),
                    &*graph.entity(b).name,
                    attrs(g[e].attrs),
                )
                    .hash(s)
            })
        })
        .collect();
    let facts = graph
        .facts()
        .iter()
        .map(|f| {
            h(&|s| {
                (
                    &*graph.entity(f.subject).name,
                    graph.relations.name(f.predicate),
                    attrs(f.attrs),
                )
                    .hash(s)
            })
        })
        .collect();
    [entities, edges, facts]
}

/// `.stats`: totals, entities by kind, statements by relation.
pub fn stats(graph: &Graph) -> String {
    let mut out = Vec::new();
    let _ = writeln!(out, "files: {}", graph.files.join(", "));
    let _ = writeln!(
        out,
        "{} entities, {} relations, {} facts\n",
        graph.entity_count(),
        graph.relation_count(),
        graph.fact_count()
    );
    let mut kinds: Vec<Vec<String>> = graph
        .kinds
        .iter()
        .filter(|(k, _)| graph.kind_count(*k) > 0)
        .map(|(k, name)| vec![name.to_string(), graph.kind_count(k).to_string()])
        .collect();
    kinds.sort_by(|a, b| a[0].cmp(&b[0]));
    let _ = aligned(&mut out, &["kind", "entities"], &kinds);
    let _ = writeln!(out);
    let mut relations: Vec<Vec<String>> = graph
        .relations
        .iter()
        .filter(|(r, _)| graph.relation_edge_count(*r) + graph.predicate_fact_count(*r) > 0)
        .map(|(r, name)| {
            vec![
                name.to_string(),
                graph.relation_edge_count(r).to_string(),
                graph.predicate_fact_count(r).to_string(),
            ]
        })
        .collect();
    relations.sort_by(|a, b| a[0].cmp(&b[0]));
    let _ = aligned(&mut out, &["relation", "statements", "facts"], &relations);
    String::from_utf8(out).expect("tables are text")
}

/// `.schema`: which kinds each relation joins, and which kinds have
/// which facts, with counts.
pub fn schema(graph: &Graph) -> String {
    let g = graph.petgraph();
    let mut edges: BTreeMap<(&str, &str, &str), usize> = BTreeMap::new();
    for e in g.edge_indices() {
        let (a, b) = g.edge_endpoints(e).expect("edges have ends");
        *edges
            .entry((
                graph.relations.name(g[e].relation),
                graph.kind_name(a),
                graph.kind_name(b),
            ))
            .or_default() += 1;
    }
    let mut facts: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    for f in graph.facts() {
        *facts
            .entry((
                graph.relations.name(f.predicate),
                graph.kind_name(f.subject),
            ))
            .or_default() += 1;
    }
    let mut out = Vec::new();
    let rows: Vec<Vec<String>> = edges
        .iter()
        .map(|((r, a, b), n)| vec![r.to_string(), format!("{a} -> {b}"), n.to_string()])
        .collect();
    let _ = aligned(
        &mut out,
        &["relation", "subject -> object", "statements"],
        &rows,
    );
    if !facts.is_empty() {
        let _ = writeln!(out);
        let rows: Vec<Vec<String>> = facts
            .iter()
            .map(|((p, k), n)| vec![p.to_string(), k.to_string(), n.to_string()])
            .collect();
        let _ = aligned(&mut out, &["fact", "subject", "statements"], &rows);
    }
    String::from_utf8(out).expect("tables are text")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn change_summaries() {
        assert_eq!(
            changes(&[("entity", 0, 0), ("relation", 3, 0), ("fact", 0, 1)]),
            "+3 relations, -1 fact"
        );
        assert_eq!(
            changes(&[("entity", 2, 1), ("relation", 0, 0), ("fact", 0, 0)]),
            "+2 entities, -1 entity"
        );
        assert_eq!(changes(&[("entity", 0, 0)]), "no changes");
    }
}
