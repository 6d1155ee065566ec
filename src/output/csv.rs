//! CSV, and the grid (a header and rows of text) that CSV, boxes,
//! Markdown, lines and tabs print.

use super::*;

pub(crate) fn csv(
    out: &mut dyn Write,
    graph: &Graph,
    answer: &Answer,
    view: &View,
) -> io::Result<()> {
    let (mut header, mut rows) = grid(graph, answer);
    if view.labels {
        add_labels(graph, answer, &mut header, &mut rows);
    }
    if view.headers {
        csv_row(out, &header)?;
    }
    for row in &rows {
        csv_row(out, row)?;
    }
    Ok(())
}

/// An answer as a header and rows of text: a neighbour, a hop, a
/// pattern's row, the count, or a field of `show` a row.
pub(crate) fn grid(graph: &Graph, answer: &Answer) -> (Vec<String>, Vec<Vec<String>>) {
    let mut rows: Vec<Vec<String>> = Vec::new();
    let header: Vec<String> = match answer {
        Answer::Neighbours(list, _) => {
            for n in list {
                rows.push(vec![
                    graph.entity(n.entity).name.to_string(),
                    graph.relations.name(n.relation).to_string(),
                    dir_name(n.direction).to_string(),
                    n.depth.to_string(),
                ]);
            }
            strings(&["entity", "relation", "direction", "depth"])
        }
        Answer::Path(path, _) => {
            for (i, h) in path.iter().flatten().enumerate() {
                rows.push(hop_row(graph, i + 1, h));
            }
            strings(&["step", "from", "relation", "to", "direction"])
        }
        Answer::Paths { paths, .. } => {
            for (p, path) in paths.iter().enumerate() {
                for (i, h) in path.iter().enumerate() {
                    let mut row = vec![(p + 1).to_string()];
                    row.extend(hop_row(graph, i + 1, h));
                    rows.push(row);
                }
            }
            strings(&["path", "step", "from", "relation", "to", "direction"])
        }
        Answer::Rows(r) => {
            rows = r
                .rows
                .iter()
                .map(|row| row.iter().map(cell).collect())
                .collect();
            r.columns.clone()
        }
        Answer::Count(n, _) => {
            rows.push(vec![n.to_string()]);
            strings(&["count"])
        }
        Answer::Show(node) => {
            let e = graph.entity(*node);
            rows.push(strings(&["name", &e.name]));
            rows.push(strings(&["kind", graph.kind_name(*node)]));
            rows.push(strings(&["label", graph.label_of(e).unwrap_or("")]));
            rows.push(vec![
                "source".into(),
                format!("{}:{}", graph.files[e.origin.file as usize], e.origin.line),
            ]);
            for (k, v) in graph.attrs(e.attrs) {
                rows.push(vec![format!("attribute:{}", graph.keys.name(*k)), cell(v)]);
            }
            for f in graph.facts_of(*node) {
                rows.push(vec![
                    "fact".into(),
                    graph.relations.name(f.predicate).to_string(),
                ]);
            }
            strings(&["field", "value"])
        }
    };
    // A last column marks what rests on a contradicted statement, when
    // something does.
    let marks: Vec<bool> = match answer {
        Answer::Neighbours(list, _) => list.iter().map(|n| n.contested).collect(),
        Answer::Path(path, _) => path.iter().flatten().map(|h| h.contested).collect(),
        Answer::Paths { paths, .. } => paths.iter().flatten().map(|h| h.contested).collect(),
        Answer::Rows(r) => r.contested.clone(),
        Answer::Count(..) | Answer::Show(_) => Vec::new(),
    };
    let mut header = header;
    if marks.iter().any(|m| *m) {
        header.push("contested".into());
        for (row, m) in rows.iter_mut().zip(marks) {
            row.push(if m { "yes".into() } else { String::new() });
        }
    }
    (header, rows)
}

pub(crate) fn hop_row(graph: &Graph, step: usize, h: &Hop) -> Vec<String> {
    vec![
        step.to_string(),
        graph.entity(h.from).name.to_string(),
        graph.relations.name(h.relation).to_string(),
        graph.entity(h.to).name.to_string(),
        dir_name(h.direction).to_string(),
    ]
}

pub(crate) fn strings(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

/// One CSV record, quoted as RFC 4180 asks (lines end in `\n`, as
/// duckdb and most tools write them).
pub fn csv_row(out: &mut dyn Write, cells: &[String]) -> io::Result<()> {
    let mut line = String::new();
    for (i, c) in cells.iter().enumerate() {
        if i > 0 {
            line.push(',');
        }
        // A row of one empty cell is quoted, else it is a blank line,
        // which CSV readers skip (Python's reads `[]`, pandas drops it).
        let lone_empty = cells.len() == 1 && c.is_empty();
        if lone_empty
            || c.contains([',', '"', '\n', '\r'])
            || c.starts_with(' ')
            || c.ends_with(' ')
        {
            line.push('"');
            line.push_str(&c.replace('"', "\"\""));
            line.push('"');
        } else {
            line.push_str(c);
        }
    }
    line.push('\n');
    out.write_all(line.as_bytes())
}
