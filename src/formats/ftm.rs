//! `--to ftm`: FollowTheMoney entities, one JSON object a line, for Aleph
//! and OpenAleph. Each entity of the graph becomes the closest schema:
//!
//! | kind | schema |
//! | --- | --- |
//! | `person` | `Person` |
//! | `state` | `PublicBody` (FtM has no schema of states; a state acts as one) |
//! | `body`, `organisation`, `organization`, `group` | `Organization` |
//! | `source`, `document` | `Document` |
//! | any other | `LegalEntity` |
//!
//! A relation `member_of` is a `Membership` (`member`, `organization`);
//! any other is an `UnknownLink` (`subject`, `object`, and the relation
//! as `role`). A statement's `date`, `from` and `until` are its `date`,
//! `startDate` and `endDate`; its quote is its `description`; the source
//! it cites, a `Document`, is its `proof`. Facts, a statement about one
//! entity, are `Note`s on it. What FtM has no property for (the anchor of
//! a quote, other attributes, where the statement was written) goes in the
//! extension field `dossier` beside `properties`, which FtM readers keep
//! or ignore. Ids are `dossier-` and a hash of the name (FtM ids are
//! letters, digits, dots and dashes).

use crate::graph::{AttrsId, Graph, Origin};
use crate::value::Value;
use serde_json::{Map, Value as Json, json};

/// An FtM id for a name: `dossier-` and 32 hex digits.
pub fn id(space: &str, name: &str) -> String {
    let hash = xxhash_rust::xxh3::xxh3_128(format!("{space}\u{0}{name}").as_bytes());
    format!("dossier-{hash:032x}")
}

/// A value as JSON's own (a date as its text, a name as itself).
fn value(v: &Value) -> Json {
    match v {
        Value::Int(i) => json!(i),
        Value::Dec(d) => json!(d),
        Value::Bool(b) => json!(b),
        Value::Str(s) | Value::Name(s) => json!(&**s),
        Value::Date(d) => json!(d.to_string()),
    }
}

fn schema(kind: &str) -> &'static str {
    match kind {
        "person" => "Person",
        "state" => "PublicBody",
        "body" | "organisation" | "organization" | "group" => "Organization",
        "source" | "document" => "Document",
        _ => "LegalEntity",
    }
}

struct Writer<'g> {
    graph: &'g Graph,
    out: String,
}

impl Writer<'_> {
    fn line(
        &mut self,
        id: String,
        schema: &str,
        properties: Map<String, Json>,
        extra: Map<String, Json>,
    ) {
        let mut doc = json!({"id": id, "schema": schema, "properties": properties});
        if !extra.is_empty() {
            doc["dossier"] = Json::Object(extra);
        }
        self.out.push_str(&doc.to_string());
        self.out.push('\n');
    }

    fn origin(&self, o: Origin) -> Json {
        json!({"file": self.graph.files[o.file as usize], "line": o.line})
    }

    /// Properties from a statement's attributes: dates, the quote, the
    /// source as proof; the rest, and the anchor, in `extra`.
    fn provenance(
        &self,
        attrs: AttrsId,
        props: &mut Map<String, Json>,
        extra: &mut Map<String, Json>,
    ) {
        let mut rest = Map::new();
        for (k, v) in self.graph.attrs(attrs) {
            let key = self.graph.keys.name(*k);
            match (key, v) {
                ("date", Value::Date(d)) => {
                    props.insert("date".into(), json!([d.to_string()]));
                }
                ("from", Value::Date(d)) => {
                    props.insert("startDate".into(), json!([d.to_string()]));
                }
                ("until", Value::Date(d)) => {
                    props.insert("endDate".into(), json!([d.to_string()]));
                }
                ("quote", Value::Str(q)) => {
                    props.insert("description".into(), json!([q.to_string()]));
                }
                ("source", Value::Name(n)) => {
                    props.insert("proof".into(), json!([id("entity", n)]));
                }
                (_, v) => {
                    rest.insert(key.into(), value(v));
                }
            }
        }
        if let Some(a) = self.graph.anchor(attrs) {
            extra.insert(
                "anchor".into(),
                json!({"file": a.file, "start": a.start, "end": a.end, "line": a.line,
                       "column": a.column, "exact": a.exact, "prefix": a.prefix,
                       "suffix": a.suffix, "match": a.rung.name()}),
            );
        }
        if !rest.is_empty() {
            extra.insert("attributes".into(), Json::Object(rest));
        }
    }
}

/// The graph as FtM entities, one JSON object a line.
pub fn ftm(graph: &Graph) -> String {
    let mut w = Writer {
        graph,
        out: String::new(),
    };
    let mut nodes: Vec<_> = graph.entities().collect();
    nodes.sort_by(|a, b| a.1.name.cmp(&b.1.name));
    for (n, e) in nodes {
        let kind = graph.kind_name(n);
        let schema = schema(kind);
        let mut props = Map::new();
        props.insert("name".into(), json!([graph.label_of(e).unwrap_or(&e.name)]));
        let mut extra = Map::new();
        extra.insert("name".into(), json!(&*e.name));
        extra.insert("kind".into(), json!(kind));
        extra.insert("source".into(), w.origin(e.origin));
        if schema == "Document" {
            let mut rest = Map::new();
            for (k, v) in graph.attrs(e.attrs) {
                let key = graph.keys.name(*k);
                let prop = match key {
                    "title" => Some("title"),
                    "url" => Some("sourceUrl"),
                    "publisher" => Some("publisher"),
                    "author" => Some("author"),
                    "date" => Some("date"),
                    "retrieved" => Some("retrievedAt"),
                    "file" => Some("fileName"),
                    _ => None,
                };
                match prop {
                    // The document as Dossier reads it: from where it runs.
                    Some("fileName") => {
                        let path = crate::load::quotes::document_path(graph, n);
                        let path = path.map(|p| p.display().to_string());
                        props.insert("fileName".into(), json!([path]));
                    }
                    Some(p) => {
                        let text = match v {
                            Value::Str(s) => s.to_string(),
                            v => v.to_string(),
                        };
                        props.insert(p.into(), json!([text]));
                    }
                    None => {
                        rest.insert(key.into(), value(v));
                    }
                }
            }
            if !props.contains_key("title") {
                props.insert("title".into(), props["name"].clone());
            }
            if !rest.is_empty() {
                extra.insert("attributes".into(), Json::Object(rest));
            }
        } else {
            w.provenance(e.attrs, &mut props, &mut extra);
            // A declaration's quote describes the entity.
        }
        w.line(id("entity", &e.name), schema, props, extra);
    }
    let g = graph.petgraph();
    for e in g.edge_indices() {
        let (a, b) = g.edge_endpoints(e).expect("edges have ends");
        let edge = g[e];
        let relation = graph.relations.name(edge.relation);
        let (sa, sb) = (
            id("entity", &graph.entity(a).name),
            id("entity", &graph.entity(b).name),
        );
        let mut props = Map::new();
        let schema = if relation == "member_of" {
            props.insert("member".into(), json!([sa]));
            props.insert("organization".into(), json!([sb]));
            "Membership"
        } else {
            props.insert("subject".into(), json!([sa]));
            props.insert("object".into(), json!([sb]));
            props.insert("role".into(), json!([relation]));
            "UnknownLink"
        };
        let mut extra = Map::new();
        extra.insert("relation".into(), json!(relation));
        extra.insert("source".into(), w.origin(edge.origin));
        w.provenance(edge.attrs, &mut props, &mut extra);
        let key = format!(
            "{}:{}:{}",
            graph.files[edge.origin.file as usize],
            edge.origin.line,
            e.index()
        );
        w.line(id("statement", &key), schema, props, extra);
    }
    for (i, f) in graph.facts().iter().enumerate() {
        let predicate = graph.relations.name(f.predicate);
        let mut props = Map::new();
        props.insert(
            "entity".into(),
            json!([id("entity", &graph.entity(f.subject).name)]),
        );
        props.insert("name".into(), json!([predicate]));
        let mut extra = Map::new();
        extra.insert("predicate".into(), json!(predicate));
        extra.insert("source".into(), w.origin(f.origin));
        w.provenance(f.attrs, &mut props, &mut extra);
        let key = format!(
            "{}:{}:{i}",
            graph.files[f.origin.file as usize], f.origin.line
        );
        w.line(id("fact", &key), "Note", props, extra);
    }
    w.out
}
