//! Graphviz DOT, written by hand: every id quoted and escaped, one style a
//! kind, and a legend of the kinds present.

use crate::graph::Graph;
use std::collections::BTreeMap;
use std::fmt::Write;

/// The style of a kind: shape, fill colour.
pub(crate) fn style(
    kind: &str,
    user_kinds: &BTreeMap<&str, usize>,
) -> (&'static str, &'static str, &'static str) {
    // A fixed palette, so the same kind gets the same colour every time.
    const PALETTE: [&str; 8] = [
        "#e8daef", "#d1f2eb", "#fadbd8", "#fcf3cf", "#d6eaf8", "#f5eef8", "#e5e8e8", "#fdebd0",
    ];
    match kind {
        "state" => ("box", "rounded,filled", "#dbe9f6"),
        "body" => ("hexagon", "filled", "#fde9c9"),
        "person" => ("ellipse", "filled", "#e2f0d9"),
        "source" => ("folder", "filled", "#eeeeee"),
        "entity" => ("box", "solid", "#ffffff"),
        other => (
            "note",
            "filled",
            PALETTE[user_kinds.get(other).copied().unwrap_or(0) % PALETTE.len()],
        ),
    }
}

/// The kinds beyond the built-in ones, numbered in order for the palette.
pub(crate) fn user_kinds<'k>(kinds: impl Iterator<Item = &'k str>) -> BTreeMap<&'k str, usize> {
    kinds
        .filter(|k| !matches!(*k, "state" | "body" | "person" | "source" | "entity"))
        .enumerate()
        .map(|(i, k)| (k, i))
        .collect()
}

/// A DOT string literal.
fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The graph in DOT; the same graph gives the same bytes.
pub fn dot(graph: &Graph) -> String {
    let g = graph.petgraph();
    let mut nodes: Vec<_> = graph.entities().collect();
    nodes.sort_by(|a, b| a.1.name.cmp(&b.1.name));
    let kinds_present: BTreeMap<&str, usize> = {
        let mut k: Vec<&str> = nodes.iter().map(|(n, _)| graph.kind_name(*n)).collect();
        k.sort();
        k.dedup();
        k.into_iter().enumerate().map(|(i, k)| (k, i)).collect()
    };
    let user_kinds = user_kinds(kinds_present.keys().copied());
    let mut out = String::new();
    out.push_str("digraph dossier {\n");
    out.push_str(
        "  graph [rankdir=LR, fontname=\"Helvetica\", fontsize=11, nodesep=0.3, ranksep=0.6];\n",
    );
    out.push_str("  node [fontname=\"Helvetica\", fontsize=10, penwidth=0.8];\n");
    out.push_str("  edge [fontname=\"Helvetica\", fontsize=8, color=\"#555555\", fontcolor=\"#333333\", arrowsize=0.6];\n");
    if !kinds_present.is_empty() {
        out.push_str("  subgraph cluster_legend {\n    label=\"Kinds\"; style=\"dashed\"; color=\"#999999\"; fontsize=10;\n");
        // Node ids are numbers, `k` for the legend's and `n` for entities',
        // so that no name can collide with another or take over the
        // legend; names are in labels and tooltips.
        for (i, kind) in kinds_present.keys().enumerate() {
            let (shape, style_, fill) = style(kind, &user_kinds);
            let _ = writeln!(
                out,
                "    k{i} [label={}, shape={shape}, style={}, fillcolor=\"{fill}\"];",
                quote(kind),
                quote(style_)
            );
        }
        out.push_str("  }\n");
    }
    let mut id = vec![0usize; g.node_count()];
    for (i, (n, _)) in nodes.iter().enumerate() {
        id[n.index()] = i;
    }
    for (i, (n, e)) in nodes.iter().enumerate() {
        let kind = graph.kind_name(*n);
        let (shape, style_, fill) = style(kind, &user_kinds);
        let mut label = graph.label_of(e).unwrap_or(&e.name).to_string();
        let mut facts: Vec<String> = graph
            .facts_of(*n)
            .map(|f| graph.relations.name(f.predicate).to_string())
            .collect();
        facts.dedup();
        for f in facts {
            label.push_str("\n· ");
            label.push_str(&f);
        }
        let _ = writeln!(
            out,
            "  n{i} [label={}, shape={shape}, style={}, fillcolor=\"{fill}\", tooltip={}];",
            quote(&label),
            quote(style_),
            quote(&format!("{} ({kind})", super::written(&e.name)))
        );
    }
    let mut edges: Vec<_> = g
        .edge_indices()
        .map(|e| {
            let (a, b) = g.edge_endpoints(e).expect("edges have ends");
            (
                &*graph.entity(a).name,
                graph.relations.name(g[e].relation),
                &*graph.entity(b).name,
                e,
                (id[a.index()], id[b.index()]),
            )
        })
        .collect();
    edges.sort();
    // A statement another contradicts is drawn red and dashed, its
    // relation marked `?` as in drawn paths.
    let mut contested = crate::conflicts::Contested::new(graph);
    for (_, rel, _, e, (a, b)) in edges {
        if contested.edge(e) {
            let _ = writeln!(
                out,
                "  n{a} -> n{b} [label={}, color=\"#b03a2e\", fontcolor=\"#b03a2e\", style=\"dashed\", tooltip=\"contested\"];",
                quote(&format!("{rel}?"))
            );
        } else {
            let _ = writeln!(out, "  n{a} -> n{b} [label={}];", quote(rel));
        }
    }
    out.push_str("}\n");
    out
}
