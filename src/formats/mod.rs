//! Exports: the graph, or the part of it a query answer touches, in the
//! formats that pictures and bigger engines take. Files are written
//! atomically.

pub mod annotations;
pub mod columns;
pub mod csv;
pub mod cypher;
pub mod dot;
pub mod ftm;
pub mod graphml;
pub mod html;
pub mod json;
pub mod kg;
pub mod ntriples;
mod order;
pub mod parquet;
pub mod snapshot;
pub mod tsv;

use crate::graph::Graph;
use crate::query::eval::Answer;
use petgraph::graph::{EdgeIndex, NodeIndex};
use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The formats `dossier export --to` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    /// Graphviz DOT, for pictures
    Dot,
    /// Dossier's own JSON, which `dossier` loads back
    Json,
    /// A relation file (`.kg`) that loads back to the same graph
    Kg,
    /// GraphML with typed attribute keys (Gephi, yEd, networkx)
    Graphml,
    /// N-Triples, for RDF triple stores
    Ntriples,
    /// A Cypher script that creates the graph in Neo4j
    Cypher,
    /// A Cypher script for Kuzu, its schema statements first
    Kuzu,
    /// CSV files in neo4j-admin import style, and a Kuzu script to load them
    Csv,
    /// Parquet tables (entities, statements, facts, attributes, ...) for
    /// Spark, DuckDB and LadybugDB
    Parquet,
    /// An SVG picture, drawn by Graphviz's `dot`
    Svg,
    /// A PNG picture, drawn by Graphviz's `dot`
    Png,
    /// A binary snapshot (`.dsnap`) that loads back without parsing
    Snapshot,
    /// W3C Web Annotations (JSON Lines), one a quote, anchored in its source
    Annotations,
    /// FollowTheMoney entities (JSON Lines), for Aleph and OpenAleph
    Ftm,
    /// One self-contained HTML page to explore the graph and its evidence offline
    Html,
}

/// How to export.
#[derive(Debug, Clone)]
pub struct Export {
    pub format: ExportFormat,
    /// A file (a folder for CSV and Parquet); `None` writes to stdout.
    pub out: Option<PathBuf>,
    /// The IRI prefix of N-Triples.
    pub base: String,
    /// N-Triples in RDF 1.2, statements as triple terms.
    pub rdf12: bool,
}

pub const DEFAULT_BASE: &str = "urn:dossier:";

/// The entities and edges an answer touches.
pub fn touched(graph: &Graph, answer: &Answer) -> (BTreeSet<NodeIndex>, BTreeSet<EdgeIndex>) {
    let g = graph.petgraph();
    let mut nodes = BTreeSet::new();
    let mut edges = BTreeSet::new();
    let mut hop_edges = |edge: EdgeIndex, nodes: &mut BTreeSet<NodeIndex>| {
        edges.insert(edge);
        let (a, b) = g.edge_endpoints(edge).expect("edges have ends");
        nodes.extend([a, b]);
    };
    match answer {
        Answer::Neighbours(list, _) => {
            for n in list {
                hop_edges(n.edge, &mut nodes);
            }
        }
        Answer::Path(path, _) => {
            for h in path.iter().flatten() {
                hop_edges(h.edge, &mut nodes);
            }
        }
        Answer::Paths { paths, .. } => {
            for h in paths.iter().flatten() {
                hop_edges(h.edge, &mut nodes);
            }
        }
        Answer::Rows(rows) => {
            nodes.extend(rows.nodes.iter().copied());
            for &e in &rows.edges {
                hop_edges(e, &mut nodes);
            }
        }
        Answer::Count(..) => {}
        Answer::Show(node) => {
            nodes.insert(*node);
        }
    }
    (nodes, edges)
}

/// Writes `graph` as `export` says. Errors are messages for the user.
pub fn export(graph: &Graph, export: &Export) -> Result<(), String> {
    let text = |bytes: Vec<u8>| -> Result<(), String> {
        match &export.out {
            Some(path) => write_atomically(path, &bytes),
            None => {
                let mut stdout = std::io::stdout().lock();
                stdout
                    .write_all(&bytes)
                    .and_then(|_| stdout.flush())
                    .or_else(|e| {
                        if e.kind() == std::io::ErrorKind::BrokenPipe {
                            Ok(())
                        } else {
                            Err(format!("cannot write: {e}"))
                        }
                    })
            }
        }
    };
    match export.format {
        ExportFormat::Dot => text(dot::dot(graph).into_bytes()),
        ExportFormat::Json => text(json::json(graph).into_bytes()),
        ExportFormat::Kg => {
            let at = export
                .out
                .as_deref()
                .map(|p| p.parent().unwrap_or(std::path::Path::new("")))
                .map(|p| {
                    if p.as_os_str().is_empty() {
                        std::path::Path::new(".")
                    } else {
                        p
                    }
                });
            text(kg::kg_at(graph, at).into_bytes())
        }
        ExportFormat::Graphml => text(graphml::graphml(graph).into_bytes()),
        ExportFormat::Ntriples => {
            text(ntriples::ntriples(graph, &export.base, export.rdf12).into_bytes())
        }
        ExportFormat::Cypher => text(cypher::neo4j(graph).into_bytes()),
        ExportFormat::Annotations => {
            text(annotations::annotations(graph, &export.base).into_bytes())
        }
        ExportFormat::Ftm => text(ftm::ftm(graph).into_bytes()),
        ExportFormat::Html => {
            let title = if graph.files.is_empty() {
                "Dossier".to_string()
            } else {
                graph.files.join(", ")
            };
            text(html::html(graph, &title).into_bytes())
        }
        ExportFormat::Kuzu => text(cypher::kuzu(graph).into_bytes()),
        ExportFormat::Csv => {
            let dir = export
                .out
                .as_ref()
                .ok_or("--to csv writes a folder of files: give a folder with -o DIR")?;
            let files = csv::csv(graph);
            let files: Vec<(&str, &[u8])> = files.iter().map(|(n, t)| (*n, t.as_bytes())).collect();
            crate::files::write_folder(dir, &files)
        }
        ExportFormat::Parquet => {
            let dir = export
                .out
                .as_ref()
                .ok_or("--to parquet writes a folder of tables: give a folder with -o DIR")?;
            let files = parquet::parquet(graph)?;
            let files: Vec<(&str, &[u8])> = files.iter().map(|(n, t)| (*n, &t[..])).collect();
            crate::files::write_folder(dir, &files)
        }
        ExportFormat::Snapshot => {
            let path = export
                .out
                .as_ref()
                .ok_or("--to snapshot writes a binary file: give it with -o FILE.dsnap")?;
            write_atomically(path, &crate::snapshot::write(graph))
        }
        ExportFormat::Svg | ExportFormat::Png => {
            let kind = if export.format == ExportFormat::Svg {
                "svg"
            } else {
                "png"
            };
            if export.format == ExportFormat::Png && export.out.is_none() {
                return Err("--to png writes a picture: give a file with -o FILE".into());
            }
            text(render(&dot::dot(graph), kind)?)
        }
    }
}

/// Draws DOT with Graphviz's `dot`.
pub fn render(dot: &str, kind: &str) -> Result<Vec<u8>, String> {
    use std::process::{Command, Stdio};
    let child = Command::new("dot")
        .arg(format!("-T{kind}"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(child) => child,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(format!(
                "drawing {kind} needs Graphviz's `dot`, which is not installed; install Graphviz \
                 (Debian and Ubuntu: `sudo apt-get install graphviz`; macOS: `brew install graphviz`; \
                 others: https://graphviz.org/download/), or export `--to dot` and draw it elsewhere"
            ));
        }
        Err(e) => return Err(format!("cannot run Graphviz's `dot`: {e}")),
    };
    let mut stdin = child.stdin.take().expect("stdin is piped");
    let input = dot.to_string();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child
        .wait_with_output()
        .map_err(|e| format!("Graphviz's `dot` failed: {e}"))?;
    let _ = writer.join();
    if !out.status.success() {
        return Err(format!(
            "Graphviz's `dot` failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(out.stdout)
}

/// Writes a file by the rules of [`crate::files`]: a regular file is
/// replaced atomically, a device or FIFO written through, a symlink followed.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), String> {
    crate::files::write_file(path, bytes)
}

/// A name as it is written in a relation file (for labels and escapes).
pub(crate) fn written(name: &str) -> String {
    let mut s = String::new();
    crate::value::write_name(&mut s, name).expect("writing to a String");
    s
}

/// Exports the graph, or the part of it that `query`'s answer touches. A
/// query's diagnostic is printed here; the message returned is for the rest.
pub fn export_answer(
    graph: &Graph,
    export: &Export,
    query: Option<&str>,
    limits: crate::query::eval::Limits,
) -> Result<(), String> {
    let Some(query) = query else {
        return self::export(graph, export);
    };
    let mut sources = crate::diagnostic::Sources::new();
    let file = sources.add("<query>", query);
    let answer = crate::query::parse_query(file, 0, query)
        .and_then(|q| crate::query::eval::evaluate_with(graph, file, &q, limits));
    match answer {
        Ok(answer) => {
            let (nodes, edges) = touched(graph, &answer);
            self::export(&graph.subgraph(&nodes, &edges), export)
        }
        Err(diagnostic) => {
            eprint!(
                "{}",
                sources.render(
                    std::slice::from_ref(&diagnostic),
                    crate::diagnostic::color()
                )
            );
            Err("nothing was exported".into())
        }
    }
}
