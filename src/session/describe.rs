//! What the graph holds, in words: `.stats`, `.schema`, and what a
//! `.reload` changed.

use crate::graph::Graph;
use crate::output::aligned;
use std::collections::BTreeMap;
use std::io::Write;

/// What a reload changed, summed up: entities, relation statements and
/// facts added (`+`), removed (`-`) and changed (`~`: the same claim with
/// other attributes, or an entity with another kind, label or attributes).
pub fn reload_changes(d: &crate::diff::Diff) -> String {
    let facts =
        |list: &[crate::diff::Statement]| list.iter().filter(|s| s.object.is_none()).count();
    let changed_facts = d.changed.iter().filter(|(a, _)| a.object.is_none()).count();
    let declarations =
        d.declarations_added.len() + d.declarations_removed.len() + d.declarations_changed.len();
    let mut counts = vec![
        (
            "entity",
            d.entities_added.len(),
            d.entities_removed.len(),
            d.entities_changed.len(),
        ),
        (
            "relation",
            d.added.len() - facts(&d.added),
            d.removed.len() - facts(&d.removed),
            d.changed.len() - changed_facts,
        ),
        ("fact", facts(&d.added), facts(&d.removed), changed_facts),
    ];
    if declarations > 0 {
        counts.push((
            "declaration",
            d.declarations_added.len(),
            d.declarations_removed.len(),
            d.declarations_changed.len(),
        ));
    }
    changes(&counts)
}

/// `+3 relations, -1 fact, ~1 entity`, or `no changes`.
pub fn changes(counts: &[(&str, usize, usize, usize)]) -> String {
    let mut parts = Vec::new();
    for (what, added, removed, changed) in counts {
        for (sign, n) in [('+', added), ('-', removed), ('~', changed)] {
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

fn noun(what: &str, n: usize) -> String {
    match (what, n) {
        (_, 1) => what.to_string(),
        ("entity", _) => "entities".to_string(),
        _ => format!("{what}s"),
    }
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
    // What the relation files declare, as they would write it.
    let declared: Vec<String> = graph
        .declared_relations()
        .into_iter()
        .filter_map(|(_, r)| graph.declaration_text(r))
        .collect();
    if !declared.is_empty() {
        let _ = writeln!(out);
        for d in declared {
            let _ = writeln!(out, "{d}");
        }
    }
    String::from_utf8(out).expect("tables are text")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn change_summaries() {
        assert_eq!(
            changes(&[
                ("entity", 0, 0, 0),
                ("relation", 3, 0, 1),
                ("fact", 0, 1, 0)
            ]),
            "+3 relations, ~1 relation, -1 fact"
        );
        assert_eq!(
            changes(&[
                ("entity", 2, 1, 0),
                ("relation", 0, 0, 0),
                ("fact", 0, 0, 0)
            ]),
            "+2 entities, -1 entity"
        );
        assert_eq!(changes(&[("entity", 0, 0, 0)]), "no changes");
    }
}
