//! `--to csv`: the tables of [`super::columns`] as CSV files in
//! neo4j-admin's import style, and a Kuzu script that loads them:
//!
//! | file | header |
//! | --- | --- |
//! | `nodes.csv` | `name:ID(Entity)`, `kind`, `label`, `declared:boolean`, `file`, `line:long`, `attributes`, a typed column a key (`veto:boolean`), `:LABEL` |
//! | `edges.csv` | `:START_ID(Entity)`, `:END_ID(Entity)`, `:TYPE`, `file`, `line:long`, `attributes`, a typed column a key |
//! | `facts.csv` | `id:ID(Fact)`, `predicate`, `file`, `line:long`, `attributes`, a typed column a key |
//! | `has_fact.csv` | `:START_ID(Entity)`, `:END_ID(Fact)` |
//! | `kuzu.cypher` | the Kuzu schema whose columns are the files' columns, and a `COPY` a file |
//!
//! RFC 4180: a field with a comma, quote, line end or edge space is
//! quoted, a quote doubled; a missing value is an empty field, an empty
//! string `""`. Fields may hold line ends, so readers must read quoted
//! line ends (Spark's `multiLine`, Kuzu's `PARALLEL=FALSE`, neo4j-admin's
//! `--multiline-fields=true`); `docs/exports.md` gives each reader's options.

use super::columns::{self, Columns};
use super::json::{Order, Parts};
use crate::graph::Graph;

/// One CSV record: `None` an empty field, `Some("")` a quoted empty one.
fn record(out: &mut String, cells: &[Option<String>]) {
    for (i, c) in cells.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let Some(c) = c else { continue };
        if c.is_empty()
            || c.contains([',', '"', '\n', '\r'])
            || c.starts_with([' ', '\t'])
            || c.ends_with([' ', '\t'])
        {
            out.push('"');
            out.push_str(&c.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(c);
        }
    }
    out.push('\n');
}

fn header(fixed: &[&str], columns: &Columns, last: &[&str]) -> Vec<Option<String>> {
    fixed
        .iter()
        .map(|s| s.to_string())
        .chain(
            columns
                .list
                .iter()
                .map(|(_, n, t)| format!("{n}:{}", t.neo4j())),
        )
        .chain(last.iter().map(|s| s.to_string()))
        .map(Some)
        .collect()
}

fn cells(columns: &Columns, graph: &Graph, id: crate::graph::AttrsId) -> Vec<Option<String>> {
    columns
        .values(graph, id)
        .into_iter()
        .map(|c| c.map(|c| c.text()))
        .collect()
}

/// The files of `--to csv`, by name.
pub fn csv(graph: &Graph) -> Vec<(&'static str, String)> {
    let g = graph.petgraph();
    let parts = Parts::new(graph);
    let order = Order::new(graph, &parts);
    let (schema, [entity, relation, fact]) = super::cypher::kuzu_schema(graph, true);
    let source = |o| {
        let (file, line) = columns::source(graph, o);
        [Some(file.to_string()), Some(line.to_string())]
    };

    let mut nodes = String::new();
    record(
        &mut nodes,
        &header(
            &[
                "name:ID(Entity)",
                "kind",
                "label",
                "declared:boolean",
                "file",
                "line:long",
                "attributes",
            ],
            &entity,
            &[":LABEL"],
        ),
    );
    for &n in &order.entities {
        let e = graph.entity(n);
        let mut row = vec![
            Some(e.name.to_string()),
            Some(graph.kind_name(n).to_string()),
            graph.label_of(e).map(str::to_string),
            Some(e.declared.to_string()),
        ];
        row.extend(source(e.origin));
        row.push(Some(parts.sets[e.attrs as usize].clone()));
        row.extend(cells(&entity, graph, e.attrs));
        row.push(Some(format!("Entity;{}", graph.kind_name(n))));
        record(&mut nodes, &row);
    }

    let mut edges = String::new();
    record(
        &mut edges,
        &header(
            &[
                ":START_ID(Entity)",
                ":END_ID(Entity)",
                ":TYPE",
                "file",
                "line:long",
                "attributes",
            ],
            &relation,
            &[],
        ),
    );
    let raw = g.raw_edges();
    for &i in &order.edges {
        let e = &raw[i as usize];
        let mut row = vec![
            Some(graph.entity(e.source()).name.to_string()),
            Some(graph.entity(e.target()).name.to_string()),
            Some(graph.relations.name(e.weight.relation).to_string()),
        ];
        row.extend(source(e.weight.origin));
        row.push(Some(parts.sets[e.weight.attrs as usize].clone()));
        row.extend(cells(&relation, graph, e.weight.attrs));
        record(&mut edges, &row);
    }

    let mut facts = String::new();
    let mut has_fact = String::new();
    record(
        &mut facts,
        &header(
            &[
                "id:ID(Fact)",
                "predicate",
                "file",
                "line:long",
                "attributes",
            ],
            &fact,
            &[],
        ),
    );
    record(
        &mut has_fact,
        &[
            Some(":START_ID(Entity)".into()),
            Some(":END_ID(Fact)".into()),
        ],
    );
    let all = graph.facts();
    for (id, &i) in order.facts.iter().enumerate() {
        let f = &all[i as usize];
        let mut row = vec![
            Some(id.to_string()),
            Some(graph.relations.name(f.predicate).to_string()),
        ];
        row.extend(source(f.origin));
        row.push(Some(parts.sets[f.attrs as usize].clone()));
        row.extend(cells(&fact, graph, f.attrs));
        record(&mut facts, &row);
        record(
            &mut has_fact,
            &[
                Some(graph.entity(f.subject).name.to_string()),
                Some(id.to_string()),
            ],
        );
    }

    let mut kuzu = String::from(
        "// Loads the CSV files of this folder into Kuzu (or LadybugDB); run it from this folder.\n",
    );
    kuzu.push_str(&schema);
    for (table, file) in [
        ("Entity", "nodes.csv"),
        ("Fact", "facts.csv"),
        ("Relation", "edges.csv"),
        ("HAS_FACT", "has_fact.csv"),
    ] {
        kuzu.push_str(&format!(
            "COPY {table} FROM '{file}' (HEADER=true, PARALLEL=false);\n"
        ));
    }
    vec![
        ("nodes.csv", nodes),
        ("edges.csv", edges),
        ("facts.csv", facts),
        ("has_fact.csv", has_fact),
        ("kuzu.cypher", kuzu),
    ]
}
