//! Dossier's JSON: the whole graph with kinds, labels, typed attributes,
//! facts, relation declarations and provenance, which `dossier` loads back
//! (a `.json` file). One record a line:
//!
//! ```json
//! {
//!   "format": "dossier",
//!   "version": 1,
//!   "files": ["data/koreas.kg"],
//!   "entities": [
//!     {"name": "China", "kind": "state", "label": "China", "declared": true, "attributes": {}, "source": {"file": "data/koreas.kg", "line": 12}}
//!   ],
//!   "relations": [
//!     {"subject": "China", "relation": "permanent_member_of", "object": "Security_Council", "attributes": {"veto": true}, "source": {"file": "data/koreas.kg", "line": 70}}
//!   ],
//!   "facts": [
//!     {"subject": "China", "predicate": "abstains_on_referral", "attributes": {}, "source": {...}}
//!   ],
//!   "declarations": [
//!     {"relation": "borders", "subject": ["state"], "object": ["state"], "symmetric": true, "transitive": false, "inverse_of": null, "source": {...}}
//!   ],
//!   "anchors": [
//!     {"source": "Article", "quote": "a veto-wielding permanent member", "occurrence": 0, "file": "data/sources/...", "start": 2868, "end": 2900, "line": 24, "column": 298, "exact": "...", "prefix": "...", "suffix": "...", "match": "exact"}
//!   ]
//! }
//! ```
//!
//! Attribute values: integers, decimals, strings and booleans as JSON's
//! own; dates as `{"date": "2014-11-18"}`; names as `{"name": "Pyongyang"}`.
//!
//! The document is written as it goes, not built as a tree of values
//! first (which took 3.7 GB and 18 s for a million statements), and its
//! records are ordered by integer keys the graph's index already holds:
//! entities by name, statements by subject, relation, object (by name),
//! source, then attributes.

use crate::graph::{Graph, Origin, Sym};
use crate::value::Value;
use std::fmt::Write as _;

/// A JSON string, escaped.
pub(crate) fn string(out: &mut String, s: &str) {
    // serde_json's escaping, into our buffer.
    let quoted = serde_json::to_string(s).expect("strings serialise");
    out.push_str(&quoted);
}

fn value(out: &mut String, v: &Value) {
    match v {
        Value::Int(i) => {
            let _ = write!(out, "{i}");
        }
        // Decimals are finite (the loaders refuse others): serde_json
        // writes the shortest text that reads back as the same number.
        Value::Dec(d) => out.push_str(&serde_json::to_string(d).expect("finite decimals")),
        Value::Str(s) => string(out, s),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Date(d) => {
            let _ = write!(out, "{{\"date\": \"{d}\"}}");
        }
        Value::Name(n) => {
            out.push_str("{\"name\": ");
            string(out, n);
            out.push('}');
        }
    }
}

/// Each attribute set as a JSON object, keys by name, so the same
/// statement gives the same text whatever order its keys were first seen in.
pub(crate) fn attribute_sets(graph: &Graph) -> Vec<String> {
    (0..graph.attr_set_count() as u32)
        .map(|id| {
            let mut list: Vec<(&str, &Value)> = graph
                .attrs(id)
                .iter()
                .map(|(k, v)| (graph.keys.name(*k), v))
                .collect();
            list.sort_by(|a, b| a.0.cmp(b.0));
            let mut out = String::from("{");
            for (i, (k, v)) in list.into_iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                string(&mut out, k);
                out.push_str(": ");
                value(&mut out, v);
            }
            out.push('}');
            out
        })
        .collect()
}

pub(crate) use super::order::{Order, Parts};

/// The graph as one JSON document, entities sorted by name and statements
/// by what they say, so that the same graph gives the same bytes.
pub fn json(graph: &Graph) -> String {
    let g = graph.petgraph();
    let parts = Parts::new(graph);
    let mut out = String::with_capacity(64 + g.edge_count() * 160 + g.node_count() * 140);
    out.push_str("{\n  \"format\": \"dossier\",\n  \"version\": 1,\n  \"files\": [");
    for (i, f) in parts.files.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(f);
    }
    out.push_str("],\n");

    let order = Order::new(graph, &parts);
    list(&mut out, "entities", order.entities.len(), |out, i| {
        let n = order.entities[i];
        let e = graph.entity(n);
        out.push_str("{\"name\": ");
        string(out, &e.name);
        out.push_str(", \"kind\": ");
        string(out, graph.kind_name(n));
        out.push_str(", \"label\": ");
        match graph.label_of(e) {
            Some(l) => string(out, l),
            None => out.push_str("null"),
        }
        out.push_str(if e.declared {
            ", \"declared\": true"
        } else {
            ", \"declared\": false"
        });
        out.push_str(", \"attributes\": ");
        out.push_str(&parts.sets[e.attrs as usize]);
        out.push_str(", ");
        parts.source(out, e.origin);
        out.push('}');
    });
    let raw = g.raw_edges();
    list(&mut out, "relations", order.edges.len(), |out, i| {
        let e = &raw[order.edges[i] as usize];
        out.push_str("{\"subject\": ");
        string(out, &graph.entity(e.source()).name);
        out.push_str(", \"relation\": ");
        string(out, graph.relations.name(e.weight.relation));
        out.push_str(", \"object\": ");
        string(out, &graph.entity(e.target()).name);
        out.push_str(", \"attributes\": ");
        out.push_str(&parts.sets[e.weight.attrs as usize]);
        out.push_str(", ");
        parts.source(out, e.weight.origin);
        out.push('}');
    });
    let facts = graph.facts();
    list(&mut out, "facts", order.facts.len(), |out, i| {
        let f = &facts[order.facts[i] as usize];
        out.push_str("{\"subject\": ");
        string(out, &graph.entity(f.subject).name);
        out.push_str(", \"predicate\": ");
        string(out, graph.relations.name(f.predicate));
        out.push_str(", \"attributes\": ");
        out.push_str(&parts.sets[f.attrs as usize]);
        out.push_str(", ");
        parts.source(out, f.origin);
        out.push('}');
    });
    drop(order);

    let declarations = graph.declared_relations();
    let kinds = |out: &mut String, list: &Option<Vec<Sym>>| match list {
        None => out.push_str("null"),
        Some(list) => {
            out.push('[');
            for (i, k) in list.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                string(out, graph.kinds.name(*k));
            }
            out.push(']');
        }
    };
    list(&mut out, "declarations", declarations.len(), |out, i| {
        let (name, r) = declarations[i];
        let d = &graph.declarations[&r];
        out.push_str("{\"relation\": ");
        string(out, name);
        out.push_str(", \"subject\": ");
        kinds(out, &d.subject);
        out.push_str(", \"object\": ");
        kinds(out, &d.object);
        let _ = write!(
            out,
            ", \"symmetric\": {}, \"transitive\": {}, \"inverse_of\": ",
            d.symmetric, d.transitive
        );
        match d.inverse_of {
            Some(v) => string(out, graph.relations.name(v)),
            None => out.push_str("null"),
        }
        let _ = write!(out, ", \"functional\": {}, \"excludes\": ", d.functional);
        match d.excludes {
            Some(v) => string(out, graph.relations.name(v)),
            None => out.push_str("null"),
        }
        out.push_str(", ");
        parts.source(out, d.origin);
        out.push('}');
    });
    // Where each verified quote is: a load of this file does not read the
    // documents again.
    let anchors = graph.sorted_anchors();
    list(&mut out, "anchors", anchors.len(), |out, i| {
        let (k, a) = anchors[i];
        out.push_str("{\"source\": ");
        string(out, &k.source);
        out.push_str(", \"quote\": ");
        string(out, &k.quote);
        let _ = write!(out, ", \"occurrence\": {}, \"file\": ", k.occurrence);
        string(out, &a.file);
        let _ = write!(
            out,
            ", \"start\": {}, \"end\": {}, \"line\": {}, \"column\": {}, \"exact\": ",
            a.start, a.end, a.line, a.column
        );
        string(out, &a.exact);
        out.push_str(", \"prefix\": ");
        string(out, &a.prefix);
        out.push_str(", \"suffix\": ");
        string(out, &a.suffix);
        let _ = write!(out, ", \"match\": \"{}\"}}", a.rung.name());
    });
    // The last list ends the document.
    out.truncate(out.len() - 2);
    out.push_str("\n}\n");
    out
}

/// `"key": [` then `count` records, one a line, then `],` and a newline.
fn list(out: &mut String, key: &str, count: usize, mut record: impl FnMut(&mut String, usize)) {
    let _ = write!(out, "  \"{key}\": [");
    for i in 0..count {
        out.push_str(if i == 0 { "\n    " } else { ",\n    " });
        record(out, i);
    }
    out.push_str(if count == 0 { "],\n" } else { "\n  ],\n" });
}

// The reader: a `.json` file loaded as the graph it describes.

use crate::load::*;

impl Loader<'_> {
    /// A graph exported with `--to json` (its schema is in README.md).
    pub(crate) fn json(&mut self, name: String, bytes: &[u8]) {
        let text = SourceText::new(String::from_utf8_lossy(bytes).into_owned());
        let file = self.sources.add_shared(name.clone(), text.clone());
        let help = "a .json file is read as a graph exported with `dossier export --to json`";
        let doc: JsonDoc<'_> = match serde_json::from_slice(bytes) {
            Ok(doc) => doc,
            Err(e) => {
                // Not JSON at all, not a Dossier graph, or a record of the
                // wrong shape, said at its place.
                let head = serde_json::from_slice::<JsonHead>(bytes);
                let message = match (&head, e.classify()) {
                    (_, serde_json::error::Category::Syntax | serde_json::error::Category::Eof) => {
                        format!("this is not JSON: {e}")
                    }
                    (Ok(head), _)
                        if head.format.as_deref() != Some("dossier") || head.version != Some(1) =>
                    {
                        let message = match self.json_doc(file, JsonDoc::head(head)) {
                            Err(m) => m,
                            Ok(()) => e.to_string(),
                        };
                        format!("`{name}` is not a Dossier graph: {message}")
                    }
                    (Err(_), _) => format!(
                        "`{name}` is not a Dossier graph: it has no `\"format\": \"dossier\"`"
                    ),
                    _ => format!("`{name}` is not a Dossier graph: {e}"),
                };
                let offset =
                    if message.contains("has no `\"format\"") || message.contains("version") {
                        0
                    } else {
                        line_col_offset(&text, e.line(), e.column())
                    };
                self.diagnostics.push(
                    Diagnostic::at(file, Span::new(offset, offset + 1), message)
                        .label("here")
                        .help(help),
                );
                return;
            }
        };
        if let Err(message) = self.json_doc(file, doc) {
            self.diagnostics.push(
                Diagnostic::at(
                    file,
                    Span::new(0, 0),
                    format!("`{name}` is not a Dossier graph: {message}"),
                )
                .help("a .json file is read as a graph exported with `dossier export --to json`"),
            );
        }
    }

    /// A document of `--to json`, read into typed records that borrow
    /// its strings (a tree of `serde_json::Value`s took ten times the
    /// file's size).
    pub(crate) fn json_doc(&mut self, file: FileId, doc: JsonDoc<'_>) -> Result<(), String> {
        if doc.format.as_deref() != Some("dossier") {
            return Err("it has no `\"format\": \"dossier\"`".into());
        }
        match doc.version {
            Some(1) => {}
            Some(v) => return Err(format!("it is version {v}; this Dossier reads version 1")),
            None => return Err("it has no version".into()),
        }
        // The files the statements came from keep their names.
        let first = self.graph.files.len() as u32;
        self.graph
            .files
            .extend(doc.files.iter().map(|f| f.to_string()));
        let index: HashMap<&str, u32> = doc
            .files
            .iter()
            .enumerate()
            .rev()
            .map(|(i, f)| (&**f, i as u32))
            .collect();
        let at = |source: &JsonSource<'_>| -> Result<At, String> {
            let i = index
                .get(&*source.file)
                .ok_or_else(|| format!("the source file `{}` is not in `files`", source.file))?;
            Ok(At {
                file,
                origin: Origin {
                    file: first + i,
                    line: source.line,
                },
            })
        };
        check_json_names(&doc)?;
        // The quotes were checked when the graph was made; its anchors
        // come with it.
        self.from_export = true;
        let read = self.json_records(&doc, &at);
        self.from_export = false;
        read?;
        for a in &doc.anchors {
            let rung = crate::graph::Match::from_name(&a.rung).ok_or_else(|| {
                format!(
                    "`{}` is not a match (exact, whitespace or typography)",
                    a.rung
                )
            })?;
            if a.start > a.end {
                return Err(format!("an anchor of `{}` ends before it starts", a.source));
            }
            self.graph.anchors.insert(
                crate::graph::AnchorKey {
                    source: crate::name::nfc(a.source.clone()).into_owned(),
                    quote: a.quote.to_string(),
                    occurrence: a.occurrence,
                },
                crate::graph::Anchor {
                    file: a.file.to_string(),
                    start: a.start,
                    end: a.end,
                    line: a.line,
                    column: a.column,
                    exact: a.exact.to_string(),
                    prefix: a.prefix.to_string(),
                    suffix: a.suffix.to_string(),
                    rung,
                },
            );
        }
        // Undeclared entities were made by the statements above, in the
        // file's order rather than the original one: their records say
        // where they were first used.
        for e in doc.entities.iter().filter(|e| !e.declared) {
            let origin = at(&e.source)?.origin;
            if let Some(node) = self.graph.find(&e.name)
                && !self.graph.entity(node).declared
            {
                self.graph.entity_mut(node).origin = origin;
            }
        }
        Ok(())
    }

    /// The declarations, entities, relations and facts of a document.
    fn json_records(
        &mut self,
        doc: &JsonDoc<'_>,
        at: &dyn Fn(&JsonSource<'_>) -> Result<At, String>,
    ) -> Result<(), String> {
        fn text(s: &str) -> Text<'_> {
            Text {
                text: crate::name::nfc(Cow::Borrowed(s)),
                span: Span::new(0, 0),
            }
        }
        for d in &doc.declarations {
            fn kinds<'t>(list: &'t Option<Vec<Cow<'_, str>>>) -> Option<Vec<Text<'t>>> {
                list.as_ref().map(|l| l.iter().map(|k| text(k)).collect())
            }
            self.relation(
                crate::ast::RelationDeclaration {
                    name: text(&d.relation),
                    subject: kinds(&d.subject),
                    object: kinds(&d.object),
                    symmetric: d.symmetric,
                    transitive: d.transitive,
                    inverse_of: d.inverse_of.as_deref().map(text),
                    functional: d.functional,
                    excludes: d.excludes.as_deref().map(text),
                    span: Span::new(0, 0),
                },
                at(&d.source)?,
            );
        }
        for e in doc.entities.iter().filter(|e| e.declared) {
            let kind = e.kind.as_ref().ok_or("an entity has no kind")?;
            self.declaration(
                Declaration {
                    name: text(&e.name),
                    kind: text(kind),
                    label: e.label.as_deref().map(text),
                    attrs: json_attrs(e.attributes.as_ref())?,
                },
                at(&e.source)?,
            );
        }
        for (list, object) in [(&doc.relations, true), (&doc.facts, false)] {
            for r in list {
                let predicate = if object { &r.relation } else { &r.predicate };
                let predicate = predicate.as_ref().ok_or("a statement has no relation")?;
                let object = if object {
                    Some(text(r.object.as_ref().ok_or("a relation has no object")?))
                } else {
                    None
                };
                let at = at(&r.source)?;
                self.statement(
                    Statement {
                        subject: text(&r.subject),
                        predicate: text(predicate),
                        object,
                        attrs: json_attrs(r.attributes.as_ref())?,
                        span: Span::new(0, 0),
                    },
                    at,
                );
            }
        }
        Ok(())
    }
}

/// Attributes as `--to json` writes them: numbers, strings and booleans
/// as themselves, dates as `{"date": "YYYY-MM-DD"}`, names as
/// `{"name": "..."}`.
/// Relation names, kinds and attribute keys of a JSON document must be
/// ones a relation file can write, so that `--to kg` writes any graph:
/// kinds and keys are identifiers (a kind `state;Admin` would also split
/// into two labels in neo4j-admin's CSV), relations any text but control
/// characters.
pub(crate) fn check_json_names(doc: &JsonDoc<'_>) -> Result<(), String> {
    let kind = |k: &str| -> Result<(), String> {
        if value::has_identifier_shape(k) {
            Ok(())
        } else {
            Err(format!(
                "the kind `{}` is not an identifier (a letter or `_`, then letters, digits, `_` or `-`)",
                k.escape_debug()
            ))
        }
    };
    let relation = |r: &str| -> Result<(), String> {
        match value::relation_name_problem(r) {
            Some(problem) => Err(format!("{problem}: `{}`", r.escape_debug())),
            None => Ok(()),
        }
    };
    let keys = |attrs: Option<&serde_json::Map<String, serde_json::Value>>| -> Result<(), String> {
        for key in attrs.into_iter().flat_map(|m| m.keys()) {
            if !value::has_identifier_shape(key) {
                return Err(format!(
                    "the attribute key `{}` is not an identifier (a letter or `_`, then letters, digits, `_` or `-`)",
                    key.escape_debug()
                ));
            }
        }
        Ok(())
    };
    for d in &doc.declarations {
        relation(&d.relation)?;
        if let Some(i) = &d.inverse_of {
            relation(i)?;
        }
        for k in d.subject.iter().chain(d.object.iter()).flatten() {
            if k != "any" {
                kind(k)?;
            }
        }
    }
    for e in &doc.entities {
        if let Some(k) = &e.kind {
            kind(k)?;
        }
        keys(e.attributes.as_ref())?;
    }
    for r in doc.relations.iter().chain(doc.facts.iter()) {
        for p in [&r.relation, &r.predicate].into_iter().flatten() {
            relation(p)?;
        }
        keys(r.attributes.as_ref())?;
    }
    Ok(())
}

pub(crate) fn json_attrs(
    attrs: Option<&serde_json::Map<String, serde_json::Value>>,
) -> Result<Vec<Attr<'static>>, String> {
    use crate::ast::Value as V;
    use serde_json::Value as J;
    let Some(map) = attrs else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for (key, value) in map {
        let value = match value {
            J::Bool(b) => V::Bool(*b),
            J::Number(n) if n.is_i64() => V::Int(n.as_i64().expect("checked")),
            J::Number(n) => V::Dec(
                n.as_f64()
                    .filter(|d| d.is_finite())
                    .ok_or("a number is out of range")?,
            ),
            J::String(s) => V::Str(Cow::Owned(s.clone())),
            J::Object(o) if o.len() == 1 && o.get("date").is_some_and(J::is_string) => {
                let d = o["date"].as_str().expect("checked");
                V::Date(crate::value::Date::parse(d).ok_or_else(|| format!("`{d}` is not a date"))?)
            }
            J::Object(o) if o.len() == 1 && o.get("name").is_some_and(J::is_string) => {
                let name = o["name"].as_str().expect("checked");
                // A name value is what a relation file writes bare.
                if !value::has_identifier_shape(name) || matches!(name, "true" | "false") {
                    return Err(format!(
                        "the name value `{}` of `{key}` is not an identifier; a string is written as JSON's own",
                        name.escape_debug()
                    ));
                }
                V::Name(Cow::Owned(name.to_string()))
            }
            other => {
                return Err(format!(
                    "the value of `{key}` is not a Dossier value: {other}"
                ));
            }
        };
        out.push(Attr {
            key: Text {
                text: Cow::Owned(key.clone()),
                span: Span::new(0, 0),
            },
            value,
            value_span: Span::new(0, 0),
        });
    }
    Ok(out)
}

/// The head of a `--to json` document, read when the whole did not fit.
#[derive(serde::Deserialize)]
pub(crate) struct JsonHead {
    format: Option<String>,
    version: Option<u64>,
}

/// A `--to json` document (its schema is in README.md).
#[derive(serde::Deserialize)]
pub(crate) struct JsonDoc<'a> {
    #[serde(borrow)]
    format: Option<Cow<'a, str>>,
    version: Option<u64>,
    #[serde(default, borrow)]
    files: Vec<Cow<'a, str>>,
    #[serde(default, borrow)]
    entities: Vec<JsonEntity<'a>>,
    #[serde(default, borrow)]
    relations: Vec<JsonStatement<'a>>,
    #[serde(default, borrow)]
    facts: Vec<JsonStatement<'a>>,
    #[serde(default, borrow)]
    declarations: Vec<JsonDeclaration<'a>>,
    #[serde(default, borrow)]
    anchors: Vec<JsonAnchor<'a>>,
}

#[derive(serde::Deserialize)]
pub(crate) struct JsonAnchor<'a> {
    #[serde(borrow)]
    source: Cow<'a, str>,
    #[serde(borrow)]
    quote: Cow<'a, str>,
    #[serde(default)]
    occurrence: u32,
    #[serde(borrow)]
    file: Cow<'a, str>,
    start: u64,
    end: u64,
    line: u32,
    column: u32,
    #[serde(borrow)]
    exact: Cow<'a, str>,
    #[serde(borrow)]
    prefix: Cow<'a, str>,
    #[serde(borrow)]
    suffix: Cow<'a, str>,
    #[serde(rename = "match", borrow)]
    rung: Cow<'a, str>,
}

impl JsonDoc<'_> {
    fn head(head: &JsonHead) -> JsonDoc<'_> {
        JsonDoc {
            format: head.format.as_deref().map(Cow::Borrowed),
            version: head.version,
            files: Vec::new(),
            entities: Vec::new(),
            relations: Vec::new(),
            facts: Vec::new(),
            declarations: Vec::new(),
            anchors: Vec::new(),
        }
    }
}

#[derive(serde::Deserialize)]
pub(crate) struct JsonSource<'a> {
    #[serde(borrow)]
    file: Cow<'a, str>,
    line: u32,
}

#[derive(serde::Deserialize)]
pub(crate) struct JsonEntity<'a> {
    #[serde(borrow)]
    name: Cow<'a, str>,
    #[serde(borrow)]
    kind: Option<Cow<'a, str>>,
    #[serde(borrow)]
    label: Option<Cow<'a, str>>,
    #[serde(default)]
    declared: bool,
    attributes: Option<serde_json::Map<String, serde_json::Value>>,
    #[serde(borrow)]
    source: JsonSource<'a>,
}

#[derive(serde::Deserialize)]
pub(crate) struct JsonStatement<'a> {
    #[serde(borrow)]
    subject: Cow<'a, str>,
    #[serde(borrow)]
    relation: Option<Cow<'a, str>>,
    #[serde(borrow)]
    predicate: Option<Cow<'a, str>>,
    #[serde(borrow)]
    object: Option<Cow<'a, str>>,
    attributes: Option<serde_json::Map<String, serde_json::Value>>,
    #[serde(borrow)]
    source: JsonSource<'a>,
}

#[derive(serde::Deserialize)]
pub(crate) struct JsonDeclaration<'a> {
    #[serde(borrow)]
    relation: Cow<'a, str>,
    #[serde(borrow)]
    subject: Option<Vec<Cow<'a, str>>>,
    #[serde(borrow)]
    object: Option<Vec<Cow<'a, str>>>,
    #[serde(default)]
    symmetric: bool,
    #[serde(default)]
    transitive: bool,
    #[serde(borrow)]
    inverse_of: Option<Cow<'a, str>>,
    #[serde(default)]
    functional: bool,
    #[serde(default, borrow)]
    excludes: Option<Cow<'a, str>>,
    #[serde(borrow)]
    source: JsonSource<'a>,
}
