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

/// A claim as the new graph numbers it: subject, relation, object
/// (`u32::MAX - 1` for a fact).
type Claim = (u32, u32, u32);

/// How the old graph's entities and relations are numbered in the new
/// one (`u32::MAX`: not there), so that statements compare as numbers.
struct Mapping {
    entities: Vec<u32>,
    relations: Vec<u32>,
}

impl Mapping {
    /// A statement of the old graph as the new graph would number it:
    /// subject, relation, object (`u32::MAX` for a fact); `None` when a
    /// name is not in the new graph (it cannot be there).
    fn key(&self, s: &Statement) -> Option<Claim> {
        let subject = self.entities[s.subject.index()];
        let relation = self.relations[s.relation as usize];
        let object = s.object.map_or(Some(u32::MAX - 1), |o| {
            Some(self.entities[o.index()]).filter(|&x| x != u32::MAX)
        })?;
        (subject != u32::MAX && relation != u32::MAX).then_some((subject, relation, object))
    }
}

fn new_key(s: &Statement) -> Claim {
    (
        s.subject.index() as u32,
        s.relation,
        s.object.map_or(u32::MAX - 1, |o| o.index() as u32),
    )
}

/// A graph-independent hash of each attribute set of `graph` (keys by
/// name, in any order; the empty set's is 0).
fn attr_hashes(graph: &Graph) -> Vec<u64> {
    let state = foldhash::fast::FixedState::with_seed(21);
    (0..graph.attr_set_count() as AttrsId)
        .map(|id| {
            graph.attrs(id).iter().fold(0u64, |sum, (k, v)| {
                let mut h = state.build_hasher();
                graph.keys.name(*k).hash(&mut h);
                v.hash(&mut h);
                sum.wrapping_add(h.finish() | 1)
            })
        })
        .collect()
}

/// Each statement's key (its claim numbered as the new graph numbers it,
/// and its attributes' hash) with its place in the list, sorted; the old
/// graph's statements that cannot be in the new one are left out.
fn keyed(
    list: &[Statement],
    key: impl Fn(&Statement) -> Option<Claim>,
    attrs: &[u64],
) -> Vec<((u32, u32, u32, u64), u32)> {
    let mut out: Vec<((u32, u32, u32, u64), u32)> = list
        .iter()
        .enumerate()
        .filter_map(|(i, s)| {
            let (a, r, b) = key(s)?;
            Some(((a, r, b, attrs[s.attrs as usize]), i as u32))
        })
        .collect();
    out.sort_unstable();
    out
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
    let mut mapping = Mapping {
        entities: vec![u32::MAX; old.entity_count()],
        relations: (0..old.relations.len() as Sym)
            .map(|r| new.relations.get(old.relations.name(r)).unwrap_or(u32::MAX))
            .collect(),
    };
    for (n, e) in new.entities() {
        match old.find(&e.name) {
            None => d.entities_added.push(n),
            Some(o) => {
                mapping.entities[o.index()] = n.index() as u32;
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
        .filter(|(n, _)| mapping.entities[n.index()] == u32::MAX)
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
    // if one is left; what is left over on each side changed. Both sides,
    // keyed alike and sorted, are walked together.
    let (old_list, new_list) = (statements(old), statements(new));
    let (old_keys, new_keys) = std::thread::scope(|scope| {
        let other = scope.spawn(|| keyed(&old_list, |s| mapping.key(s), &attr_hashes(old)));
        let here = keyed(&new_list, |s| Some(new_key(s)), &attr_hashes(new));
        (other.join().expect("keying does not panic"), here)
    });
    let mut taken = vec![false; old_list.len()];
    let mut found = vec![false; new_list.len()];
    let (mut i, mut j) = (0, 0);
    while i < old_keys.len() && j < new_keys.len() {
        let (h, k) = (old_keys[i].0, new_keys[j].0);
        if h < k {
            i += 1;
        } else if k < h {
            j += 1;
        } else {
            // A run of equal keys on each side: the claims are the same;
            // match the attributes that are equal, not just their hashes.
            let i_end = i + old_keys[i..].iter().take_while(|x| x.0 == h).count();
            let j_end = j + new_keys[j..].iter().take_while(|x| x.0 == h).count();
            for &(_, n) in &new_keys[j..j_end] {
                let b = new_list[n as usize].attrs;
                if let Some(&(_, o)) = old_keys[i..i_end].iter().find(|&&(_, o)| {
                    let a = old_list[o as usize].attrs;
                    !taken[o as usize] && same_attrs(old, a, new, b)
                }) {
                    taken[o as usize] = true;
                    found[n as usize] = true;
                }
            }
            (i, j) = (i_end, j_end);
        }
    }
    let unmatched = |list: &[Statement], matched: &[bool]| -> Vec<Statement> {
        list.iter()
            .zip(matched)
            .filter(|(_, m)| !**m)
            .map(|(s, _)| *s)
            .collect()
    };
    let (added, removed) = (unmatched(&new_list, &found), unmatched(&old_list, &taken));
    let state = foldhash::fast::FixedState::with_seed(21);
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
