//! What changed between two graphs, as claims and evidence rather than
//! lines: entities added, removed, or with another kind, label or
//! attributes; relation declarations added, removed or changed;
//! statements added and removed, and those whose claim (subject, relation,
//! object) stayed while their attributes changed, with a changed quote as
//! a word diff. A statement that only moved (another line, another file)
//! is no change. `dossier diff` prints it and `.reload` sums it up.

use crate::graph::{AttrsId, Graph, Origin, Sym};
use crate::value::Value;
use petgraph::graph::NodeIndex;
use std::collections::HashMap;
use std::hash::{BuildHasher, Hash, Hasher};

mod show;
pub mod sides;
pub use show::{entity_text, statement_text, summary, text, to_json, word_diff};

/// A statement of one graph: an edge, or a fact (no object).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Statement {
    pub subject: NodeIndex,
    pub relation: Sym,
    pub object: Option<NodeIndex>,
    pub attrs: AttrsId,
    pub origin: Origin,
}

/// Every statement of `graph`: its edges in order, then its facts.
pub fn statements(graph: &Graph) -> Vec<Statement> {
    let g = graph.petgraph();
    let mut list: Vec<Statement> = g
        .edge_indices()
        .map(|e| {
            let (a, b) = g.edge_endpoints(e).expect("edges have ends");
            Statement {
                subject: a,
                relation: g[e].relation,
                object: Some(b),
                attrs: g[e].attrs,
                origin: g[e].origin,
            }
        })
        .collect();
    list.extend(graph.facts().iter().map(|f| Statement {
        subject: f.subject,
        relation: f.predicate,
        object: None,
        attrs: f.attrs,
        origin: f.origin,
    }));
    list
}

/// How an entity changed: its kind, label and attributes, old and new.
#[derive(Debug, Clone, PartialEq)]
pub struct EntityChange {
    pub old: NodeIndex,
    pub new: NodeIndex,
    pub kind: bool,
    pub label: bool,
    pub attributes: bool,
}

/// What changed from one graph to another.
#[derive(Debug, Default)]
pub struct Diff {
    /// Entities only the new graph names, and only the old one.
    pub entities_added: Vec<NodeIndex>,
    pub entities_removed: Vec<NodeIndex>,
    pub entities_changed: Vec<EntityChange>,
    /// Relation declarations by name, with their text and where they are
    /// written: only new, only old, and changed (old text, new text and
    /// place).
    pub declarations_added: Vec<(String, Origin)>,
    pub declarations_removed: Vec<(String, Origin)>,
    pub declarations_changed: Vec<(String, String, Origin)>,
    pub added: Vec<Statement>,
    pub removed: Vec<Statement>,
    /// The same claim, other attributes: (old, new).
    pub changed: Vec<(Statement, Statement)>,
}

impl Diff {
    pub fn is_empty(&self) -> bool {
        self.entities_added.is_empty()
            && self.entities_removed.is_empty()
            && self.entities_changed.is_empty()
            && self.declarations_added.is_empty()
            && self.declarations_removed.is_empty()
            && self.declarations_changed.is_empty()
            && self.added.is_empty()
            && self.removed.is_empty()
            && self.changed.is_empty()
    }
}

/// A graph-independent hash of what a statement says: names, not indices,
/// and its attributes in any order.
fn statement_hash(graph: &Graph, s: &Statement, state: &foldhash::fast::FixedState) -> u64 {
    let mut h = state.build_hasher();
    graph.entity(s.subject).name.hash(&mut h);
    graph.relations.name(s.relation).hash(&mut h);
    s.object.map(|o| &*graph.entity(o).name).hash(&mut h);
    let mut attrs = 0u64;
    for (k, v) in graph.attrs(s.attrs) {
        let mut a = state.build_hasher();
        graph.keys.name(*k).hash(&mut a);
        v.hash(&mut a);
        attrs = attrs.wrapping_add(a.finish());
    }
    attrs.hash(&mut h);
    h.finish()
}

/// Whether two attribute sets, of two graphs, say the same.
fn same_attrs(old: &Graph, a: AttrsId, new: &Graph, b: AttrsId) -> bool {
    let (a, b) = (old.attrs(a), new.attrs(b));
    a.len() == b.len()
        && a.iter().all(|(k, v)| {
            let key = old.keys.name(*k);
            b.iter()
                .any(|(k2, v2)| new.keys.name(*k2) == key && v2 == v)
        })
}

fn same_claim(old: &Graph, a: &Statement, new: &Graph, b: &Statement) -> bool {
    old.entity(a.subject).name == new.entity(b.subject).name
        && old.relations.name(a.relation) == new.relations.name(b.relation)
        && a.object.map(|o| &old.entity(o).name) == b.object.map(|o| &new.entity(o).name)
}

fn same_statement(old: &Graph, a: &Statement, new: &Graph, b: &Statement) -> bool {
    same_claim(old, a, new, b) && same_attrs(old, a.attrs, new, b.attrs)
}

/// The `source` a statement cites, by name.
fn source_of(graph: &Graph, attrs: AttrsId) -> Option<&str> {
    graph
        .attrs(attrs)
        .iter()
        .find_map(|(k, v)| match (graph.keys.name(*k), v) {
            ("source", Value::Name(n)) => Some(&**n),
            _ => None,
        })
}

/// What changed from `old` to `new`.
pub fn diff(old: &Graph, new: &Graph) -> Diff {
    let mut d = Diff::default();
    for (n, e) in new.entities() {
        match old.find(&e.name) {
            None => d.entities_added.push(n),
            Some(o) => {
                let was = old.entity(o);
                let change = EntityChange {
                    old: o,
                    new: n,
                    kind: old.kind_name(o) != new.kind_name(n),
                    label: old.label_of(was) != new.label_of(e),
                    attributes: !same_attrs(old, was.attrs, new, e.attrs),
                };
                if change.kind || change.label || change.attributes {
                    d.entities_changed.push(change);
                }
            }
        }
    }
    d.entities_removed = old
        .entities()
        .filter(|(_, e)| new.find(&e.name).is_none())
        .map(|(n, _)| n)
        .collect();
    let declarations = |g: &Graph| -> Vec<(String, String, Origin)> {
        g.declared_relations()
            .into_iter()
            .filter_map(|(name, r)| {
                Some((
                    name.to_string(),
                    g.declaration_text(r)?,
                    g.declarations[&r].origin,
                ))
            })
            .collect()
    };
    let (was, now) = (declarations(old), declarations(new));
    for (name, text, at) in &now {
        match was.iter().find(|(n, ..)| n == name) {
            None => d.declarations_added.push((text.clone(), *at)),
            Some((_, t, _)) if t != text => {
                d.declarations_changed.push((t.clone(), text.clone(), *at))
            }
            Some(_) => {}
        }
    }
    for (name, text, at) in &was {
        if !now.iter().any(|(n, ..)| n == name) {
            d.declarations_removed.push((text.clone(), *at));
        }
    }

    // Statements as multisets: each new statement takes an equal old one
    // if one is left; what is left over on each side changed.
    let state = foldhash::fast::FixedState::with_seed(21);
    let old_list = statements(old);
    let mut by_hash: HashMap<u64, Vec<u32>> = HashMap::with_capacity(old_list.len());
    for (i, s) in old_list.iter().enumerate() {
        by_hash
            .entry(statement_hash(old, s, &state))
            .or_default()
            .push(i as u32);
    }
    let mut taken = vec![false; old_list.len()];
    let mut added = Vec::new();
    for s in statements(new) {
        let found = by_hash
            .get(&statement_hash(new, &s, &state))
            .and_then(|list| {
                list.iter().copied().find(|&i| {
                    !taken[i as usize] && same_statement(old, &old_list[i as usize], new, &s)
                })
            });
        match found {
            Some(i) => taken[i as usize] = true,
            None => added.push(s),
        }
    }
    let removed: Vec<Statement> = old_list
        .iter()
        .zip(&taken)
        .filter(|(_, t)| !**t)
        .map(|(s, _)| *s)
        .collect();
    // A removed and an added statement of one claim are one statement
    // changed: paired by the source they cite when they cite one, else in
    // the order written.
    let claim_hash = |g: &Graph, s: &Statement| {
        let mut h = state.build_hasher();
        g.entity(s.subject).name.hash(&mut h);
        g.relations.name(s.relation).hash(&mut h);
        s.object.map(|o| &*g.entity(o).name).hash(&mut h);
        h.finish()
    };
    let mut removed_by_claim: HashMap<u64, Vec<usize>> = HashMap::new();
    for (i, s) in removed.iter().enumerate() {
        removed_by_claim
            .entry(claim_hash(old, s))
            .or_default()
            .push(i);
    }
    let mut paired = vec![false; removed.len()];
    for s in added {
        let candidates: Vec<usize> = removed_by_claim
            .get(&claim_hash(new, &s))
            .map(|l| {
                l.iter()
                    .copied()
                    .filter(|&i| !paired[i] && same_claim(old, &removed[i], new, &s))
                    .collect()
            })
            .unwrap_or_default();
        let source = source_of(new, s.attrs);
        let pick = candidates
            .iter()
            .copied()
            .find(|&i| source_of(old, removed[i].attrs) == source)
            .or(candidates.first().copied());
        match pick {
            Some(i) => {
                paired[i] = true;
                d.changed.push((removed[i], s));
            }
            None => d.added.push(s),
        }
    }
    d.removed = removed
        .into_iter()
        .zip(paired)
        .filter(|(_, p)| !p)
        .map(|(s, _)| s)
        .collect();
    d
}
