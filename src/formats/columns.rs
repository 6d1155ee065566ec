//! The shape shared by the exports to property graphs (Neo4j's Cypher,
//! Kuzu's script, the CSV files): entities, relations and facts as three
//! tables with Dossier's own columns, then a typed column for each
//! attribute key.
//!
//! | table | Dossier's columns |
//! | --- | --- |
//! | `Entity` | `name`, `kind`, `label`, `declared`, `file`, `line`, `attributes` |
//! | `Relation` | (from, to), `relation`, `file`, `line`, `attributes` |
//! | `Fact` | `id`, `predicate`, `file`, `line`, `attributes`, and a `HAS_FACT` edge from its entity |
//!
//! `attributes` is the attribute set as Dossier's JSON (dates as
//! `{"date": ...}`, names as `{"name": ...}`), which keeps every value's
//! type. Each key also has a column of its own, of the type that holds
//! all its values (integer, decimal, boolean, date, or text when they
//! mix); a key that is one of Dossier's column names (`name`, `label`,
//! ...) is the column `attribute.KEY`, which no key can be (a key has no
//! `.`), so no attribute is dropped or overwrites another.

use crate::graph::{AttrsId, Graph, Sym};
use crate::value::Value;
use std::collections::BTreeMap;

/// A column's type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ty {
    Int,
    Dec,
    Bool,
    Date,
    Text,
}

impl Ty {
    pub fn kuzu(self) -> &'static str {
        match self {
            Ty::Int => "INT64",
            Ty::Dec => "DOUBLE",
            Ty::Bool => "BOOLEAN",
            Ty::Date => "DATE",
            Ty::Text => "STRING",
        }
    }

    /// neo4j-admin's header type.
    pub fn neo4j(self) -> &'static str {
        match self {
            Ty::Int => "long",
            Ty::Dec => "double",
            Ty::Bool => "boolean",
            Ty::Date => "date",
            Ty::Text => "string",
        }
    }

    fn of(v: &Value) -> Ty {
        match v {
            Value::Int(_) => Ty::Int,
            Value::Dec(_) => Ty::Dec,
            Value::Bool(_) => Ty::Bool,
            Value::Date(_) => Ty::Date,
            Value::Str(_) | Value::Name(_) => Ty::Text,
        }
    }

    fn join(self, other: Ty) -> Ty {
        match (self, other) {
            (a, b) if a == b => a,
            (Ty::Int, Ty::Dec) | (Ty::Dec, Ty::Int) => Ty::Dec,
            _ => Ty::Text,
        }
    }
}

pub const ENTITY: &[&str] = &[
    "name",
    "kind",
    "label",
    "declared",
    "file",
    "line",
    "attributes",
    "labels",
];
pub const RELATION: &[&str] = &["relation", "file", "line", "attributes"];
pub const FACT: &[&str] = &["id", "predicate", "file", "line", "attributes"];

/// The attribute columns of a table: for each key, its column name and type.
pub struct Columns {
    pub list: Vec<(Sym, String, Ty)>,
}

impl Columns {
    /// The columns of the attribute sets `sets`, by key name; `reserved`
    /// are the table's own column names.
    pub fn new(graph: &Graph, sets: impl Iterator<Item = AttrsId>, reserved: &[&str]) -> Columns {
        let mut types: BTreeMap<&str, (Sym, Ty)> = BTreeMap::new();
        for set in sets {
            for (k, v) in graph.attrs(set) {
                let t = Ty::of(v);
                types
                    .entry(graph.keys.name(*k))
                    .and_modify(|e| e.1 = e.1.join(t))
                    .or_insert((*k, t));
            }
        }
        let list = types
            .into_iter()
            .map(|(name, (k, t))| {
                let column = if reserved.contains(&name) {
                    format!("attribute.{name}")
                } else {
                    name.to_string()
                };
                (k, column, t)
            })
            .collect();
        Columns { list }
    }

    /// The value of each column for the set `id` (`None` where the set
    /// has no such key), cast to the column's type.
    pub fn values<'g>(&self, graph: &'g Graph, id: AttrsId) -> Vec<Option<Cell<'g>>> {
        let set = graph.attrs(id);
        self.list
            .iter()
            .map(|(k, _, t)| {
                set.iter()
                    .find(|(key, _)| key == k)
                    .map(|(_, v)| Cell::new(v, *t))
            })
            .collect()
    }
}

/// A value cast to its column's type.
pub enum Cell<'g> {
    Int(i64),
    Dec(f64),
    Bool(bool),
    Date(String),
    Text(std::borrow::Cow<'g, str>),
}

impl<'g> Cell<'g> {
    fn new(v: &'g Value, t: Ty) -> Cell<'g> {
        match (v, t) {
            (Value::Int(i), Ty::Int) => Cell::Int(*i),
            (Value::Int(i), Ty::Dec) => Cell::Dec(*i as f64),
            (Value::Dec(d), Ty::Dec) => Cell::Dec(*d),
            (Value::Bool(b), Ty::Bool) => Cell::Bool(*b),
            (Value::Date(d), Ty::Date) => Cell::Date(d.to_string()),
            (Value::Str(s) | Value::Name(s), _) => Cell::Text(std::borrow::Cow::Borrowed(s)),
            // Mixed types: the value as a relation file writes it.
            (other, _) => Cell::Text(std::borrow::Cow::Owned(other.to_string())),
        }
    }

    /// As CSV text.
    pub fn text(&self) -> String {
        match self {
            Cell::Int(i) => i.to_string(),
            Cell::Dec(d) => format!("{d:?}"),
            Cell::Bool(b) => b.to_string(),
            Cell::Date(d) => d.clone(),
            Cell::Text(s) => s.to_string(),
        }
    }
}

/// A source file's name and line as the two columns `file` and `line`.
pub fn source(graph: &Graph, origin: crate::graph::Origin) -> (&str, u32) {
    (&graph.files[origin.file as usize], origin.line)
}
