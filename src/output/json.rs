//! Answers as JSON (one document an answer, streamed for patterns) and
//! JSON Lines (one typed object a row).

use super::*;

/// One JSON object a row, keyed by column, values typed: a neighbour, a
/// hop (with its `path` number for `paths`), a pattern's row, `{"count": N}`,
/// or the entity `show` shows.
pub(crate) fn jsonl(out: &mut dyn Write, graph: &Graph, answer: &Answer) -> io::Result<()> {
    let mut out = io::BufWriter::with_capacity(1 << 16, out);
    let mut line = |value: serde_json::Value| -> io::Result<()> {
        serde_json::to_writer(&mut out, &value)?;
        out.write_all(b"\n")
    };
    let hop = |path: Option<usize>, step: usize, h: &Hop| {
        let mut m = serde_json::Map::new();
        if let Some(p) = path {
            m.insert("path".into(), json!(p));
        }
        m.insert("step".into(), json!(step));
        m.insert("from".into(), json!(&*graph.entity(h.from).name));
        m.insert("relation".into(), json!(graph.relations.name(h.relation)));
        m.insert("to".into(), json!(&*graph.entity(h.to).name));
        m.insert("direction".into(), json!(dir_name(h.direction)));
        if h.derived {
            m.insert("derived".into(), json!(true));
        }
        if h.contested {
            m.insert("contested".into(), json!(true));
        }
        serde_json::Value::Object(m)
    };
    match answer {
        Answer::Neighbours(list, _) => {
            for n in list {
                let mut value = json!({
                    "entity": &*graph.entity(n.entity).name,
                    "relation": graph.relations.name(n.relation),
                    "direction": dir_name(n.direction),
                    "depth": n.depth,
                });
                if n.derived {
                    value["derived"] = json!(true);
                }
                if n.contested {
                    value["contested"] = json!(true);
                }
                line(value)?;
            }
        }
        Answer::Path(path, _) => {
            for (i, h) in path.iter().flatten().enumerate() {
                line(hop(None, i + 1, h))?;
            }
        }
        Answer::Paths { paths, .. } => {
            for (p, path) in paths.iter().enumerate() {
                for (i, h) in path.iter().enumerate() {
                    line(hop(Some(p + 1), i + 1, h))?;
                }
            }
        }
        Answer::Rows(rows) => {
            for (r, row) in rows.rows.iter().enumerate() {
                let mut m = serde_json::Map::new();
                for (column, value) in rows.columns.iter().zip(row) {
                    m.insert(column.clone(), json_value(value));
                }
                if rows.derived.get(r).copied().unwrap_or(false) {
                    m.insert("derived".into(), json!(true));
                }
                if rows.contested.get(r).copied().unwrap_or(false) {
                    m.insert("contested".into(), json!(true));
                }
                line(serde_json::Value::Object(m))?;
            }
        }
        Answer::Count(n, _) => line(json!({ "count": n }))?,
        Answer::Show(_) => line(json_of(graph, answer))?,
    }
    out.flush()
}

/// A pattern's answer as JSON, the same document [`json_with`] makes,
/// written a row at a time; each statement's source is serialised once.
pub(crate) fn rows_json(
    out: &mut dyn Write,
    graph: &Graph,
    rows: &Rows,
    why: bool,
) -> io::Result<()> {
    let mut out = io::BufWriter::with_capacity(1 << 16, out);
    out.write_all(b"{\"columns\":")?;
    serde_json::to_writer(&mut out, &rows.columns)?;
    out.write_all(b",\"rows\":[")?;
    for (i, row) in rows.rows.iter().enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        out.write_all(b"[")?;
        for (j, cell) in row.iter().enumerate() {
            if j > 0 {
                out.write_all(b",")?;
            }
            serde_json::to_writer(&mut out, &json_value(cell))?;
        }
        out.write_all(b"]")?;
    }
    out.write_all(b"]")?;
    if rows.truncated {
        out.write_all(b",\"truncated\":true")?;
    }
    if rows.left_out > 0 {
        write!(out, ",\"left_out\":{}", rows.left_out)?;
    }
    if rows.derived.iter().any(|d| *d) {
        out.write_all(b",\"derived\":")?;
        serde_json::to_writer(&mut out, &rows.derived)?;
    }
    if rows.contested.iter().any(|d| *d) {
        out.write_all(b",\"contested\":")?;
        serde_json::to_writer(&mut out, &rows.contested)?;
    }
    if why {
        let mut seen: std::collections::HashMap<EdgeIndex, String> = Default::default();
        out.write_all(b",\"sources\":[")?;
        for i in 0..rows.rows.len() {
            if i > 0 {
                out.write_all(b",")?;
            }
            let derived = rows.derived.get(i).copied().unwrap_or(false);
            match rows.sources.get(i) {
                // A derived row also cites declarations: its list whole.
                Some((_, facts)) if derived || !facts.is_empty() => {
                    serde_json::to_writer(&mut out, &row_sources(graph, rows, i))?;
                }
                Some((edges, _)) => {
                    out.write_all(b"[")?;
                    for (j, e) in edges.iter().enumerate() {
                        if j > 0 {
                            out.write_all(b",")?;
                        }
                        let text = seen.entry(*e).or_insert_with(|| {
                            serde_json::to_string(&edge_source(graph, *e))
                                .expect("sources serialise")
                        });
                        out.write_all(text.as_bytes())?;
                    }
                    out.write_all(b"]")?;
                }
                None => out.write_all(b"[]")?,
            }
        }
        out.write_all(b"]")?;
    }
    out.write_all(b"}\n")?;
    out.flush()
}

/// The JSON document of an answer.
pub fn json_of(graph: &Graph, answer: &Answer) -> serde_json::Value {
    json_with(graph, answer, false)
}

/// The JSON document of an answer, with `"sources"` when `why`.
pub fn json_with(graph: &Graph, answer: &Answer, why: bool) -> serde_json::Value {
    let mut doc = json_plain(graph, answer);
    if why {
        match answer {
            Answer::Neighbours(list, _) => {
                for (n, entry) in list
                    .iter()
                    .zip(doc["neighbours"].as_array_mut().expect("a list").iter_mut())
                {
                    entry["sources"] = json!(hop_sources(graph, n.edge, n.relation, n.derived));
                }
            }
            Answer::Path(Some(path), _) => {
                for (h, hop) in path
                    .iter()
                    .zip(doc["path"].as_array_mut().expect("a list").iter_mut())
                {
                    hop["sources"] = json!(hop_sources(graph, h.edge, h.relation, h.derived));
                }
            }
            Answer::Paths { paths, .. } => {
                for (p, list) in paths
                    .iter()
                    .zip(doc["paths"].as_array_mut().expect("a list").iter_mut())
                {
                    for (h, hop) in p
                        .iter()
                        .zip(list.as_array_mut().expect("a list").iter_mut())
                    {
                        hop["sources"] = json!(hop_sources(graph, h.edge, h.relation, h.derived));
                    }
                }
            }
            Answer::Rows(rows) => {
                doc["sources"] = json!(
                    (0..rows.rows.len())
                        .map(|i| row_sources(graph, rows, i))
                        .collect::<Vec<_>>()
                );
            }
            _ => {}
        }
    }
    doc
}

pub(crate) fn json_plain(graph: &Graph, answer: &Answer) -> serde_json::Value {
    match answer {
        Answer::Neighbours(list, truncated) => {
            let mut doc = json!({ "neighbours": list.iter().map(|n| neighbour(graph, n)).collect::<Vec<_>>() });
            if *truncated {
                doc["truncated"] = json!(true);
            }
            doc
        }
        Answer::Path(path, truncated) => {
            let mut doc = json!({ "path": path.as_ref().map(|p| hops(graph, p)) });
            if *truncated {
                doc["truncated"] = json!(true);
            }
            doc
        }
        Answer::Paths {
            paths,
            truncated,
            by_states,
        } => {
            let mut doc = json!({
                "paths": paths.iter().map(|p| hops(graph, p)).collect::<Vec<_>>(),
                "truncated": truncated,
            });
            if *truncated {
                doc["truncated_by"] = json!(if *by_states { "max_states" } else { "limit" });
            }
            doc
        }
        Answer::Rows(rows) => {
            let mut doc = json!({
                "columns": rows.columns,
                "rows": rows.rows.iter().map(|r| r.iter().map(json_value).collect::<Vec<_>>()).collect::<Vec<_>>(),
            });
            if rows.truncated {
                doc["truncated"] = json!(true);
            }
            // Rows that only relation declarations derive, marked row by
            // row; absent when no row is.
            if rows.derived.iter().any(|d| *d) {
                doc["derived"] = json!(rows.derived);
            }
            // Rows that rest on a statement another contradicts, likewise.
            if rows.contested.iter().any(|d| *d) {
                doc["contested"] = json!(rows.contested);
            }
            doc
        }
        Answer::Count(n, truncated) => {
            let mut doc = json!({ "count": n });
            if *truncated {
                doc["truncated"] = json!(true);
            }
            doc
        }
        Answer::Show(node) => {
            let e = graph.entity(*node);
            let mut doc = json!({
                "name": &*e.name,
                "kind": graph.kind_name(*node),
                "label": graph.label_of(e),
                "attributes": attributes(graph, e.attrs),
                "facts": graph.facts_of(*node).map(|f| json!({
                    "predicate": graph.relations.name(f.predicate),
                    "attributes": attributes(graph, f.attrs),
                })).collect::<Vec<_>>(),
                "declared": e.declared,
                "statements": statements_about(graph, *node),
                "source": { "file": &graph.files[e.origin.file as usize], "line": e.origin.line },
            });
            // A source's: what cites it, in the document's order.
            if graph.kind_name(*node) == "source" {
                doc["cited_by"] = json!(crate::output::sources::citing(graph, *node));
            }
            doc
        }
    }
}

#[derive(Serialize)]
pub(crate) struct NeighbourJson<'a> {
    entity: &'a str,
    relation: &'a str,
    direction: &'static str,
    depth: u32,
    /// Only present, and true, for an entry a relation declaration derives.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    derived: bool,
    /// Only present, and true, when another statement contradicts the last hop's.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    contested: bool,
}

pub(crate) fn neighbour(graph: &Graph, n: &Neighbour) -> serde_json::Value {
    serde_json::to_value(NeighbourJson {
        entity: &graph.entity(n.entity).name,
        relation: graph.relations.name(n.relation),
        direction: dir_name(n.direction),
        depth: n.depth,
        derived: n.derived,
        contested: n.contested,
    })
    .expect("plain data serialises")
}

#[derive(Serialize)]
pub(crate) struct HopJson<'a> {
    from: &'a str,
    relation: &'a str,
    to: &'a str,
    direction: &'static str,
    /// Only present, and true, for a hop a relation declaration derives.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    derived: bool,
    /// Only present, and true, when another statement contradicts the hop's.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    contested: bool,
}

pub(crate) fn hops(graph: &Graph, path: &[Hop]) -> serde_json::Value {
    serde_json::to_value(
        path.iter()
            .map(|h| HopJson {
                from: &graph.entity(h.from).name,
                relation: graph.relations.name(h.relation),
                to: &graph.entity(h.to).name,
                direction: dir_name(h.direction),
                derived: h.derived,
                contested: h.contested,
            })
            .collect::<Vec<_>>(),
    )
    .expect("plain data serialises")
}

/// A typed value in JSON: numbers and booleans as themselves, dates,
/// strings and names as strings.
pub fn json_value(v: &Value) -> serde_json::Value {
    match v {
        Value::Int(i) => json!(i),
        Value::Dec(d) => json!(d),
        Value::Bool(b) => json!(b),
        Value::Date(d) => json!(d.to_string()),
        Value::Str(s) | Value::Name(s) => json!(&**s),
    }
}

pub(crate) fn attributes(graph: &Graph, attrs: u32) -> serde_json::Value {
    let mut map = serde_json::Map::new();
    for (k, v) in graph.attrs(attrs) {
        map.insert(graph.keys.name(*k).to_string(), json_value(v));
    }
    serde_json::Value::Object(map)
}
