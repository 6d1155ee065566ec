//! Contradictions between statements, flagged and never resolved, when
//! the statements' valid times overlap: the same claim (subject, relation
//! and object) given two values for one key (`attribute`); one subject
//! with two objects of a `functional` relation (`functional`); one subject
//! and object with two relations that exclude each other (`excludes`).
//! Every kind is between statements of one subject, so a subject's
//! contradictions are found from its own statements: `dossier conflicts`
//! and `.conflicts` list them all, a pair of statements an entry; answers
//! mark the hops and rows that rest on a contested statement
//! ([`Contested`]); `dossier check --conflicts` fails when there is one. A
//! contradiction never stops a load and never hides a statement.

use crate::graph::{AttrsId, Fact, Graph, PROVENANCE_KEYS, Sym};
use crate::output::{Report, Source, edge_source, fact_source};
use crate::value::{Date, Value};
use petgraph::graph::{EdgeIndex, NodeIndex};
use serde_json::json;
use std::collections::{BTreeMap, HashMap, HashSet};

/// At most this many contradictions are listed; past it, the list says
/// it was cut.
pub const MAX_CONFLICTS: usize = 10_000;

/// The keys that say when a statement holds, not what it says.
const TIME_KEYS: [&str; 3] = ["date", "from", "until"];

/// One contradiction: two statements, and what they disagree on.
#[derive(Debug, Clone, PartialEq)]
pub struct Conflict {
    /// `attribute`, `functional` or `excludes`.
    pub kind: &'static str,
    /// The attribute, or the relation(s) declared.
    pub key: String,
    pub values: (String, String),
    pub statements: (Source, Source),
}

/// A statement: an edge, or a fact (by value: facts have no index).
#[derive(Debug, Clone, Copy, PartialEq)]
enum Statement {
    Edge(EdgeIndex),
    Fact(Fact),
}

/// A contradiction as found, before it is shown.
struct Found {
    kind: &'static str,
    key: String,
    values: (String, String),
    statements: (Statement, Statement),
}

/// When a statement holds: from `date` or `from` (none: always before),
/// until `until` (none: always after), both days included.
fn valid_time(graph: &Graph, attrs: AttrsId) -> (Option<Date>, Option<Date>) {
    let (mut start, mut end) = (None, None);
    for (k, v) in graph.attrs(attrs) {
        if let Value::Date(d) = v {
            match graph.keys.name(*k) {
                "date" | "from" => start = Some(*d),
                "until" => end = Some(*d),
                _ => {}
            }
        }
    }
    (start, end)
}

fn overlap(a: (Option<Date>, Option<Date>), b: (Option<Date>, Option<Date>)) -> bool {
    let before = |end: Option<Date>, start: Option<Date>| matches!((end, start), (Some(e), Some(s)) if e < s);
    !before(a.1, b.0) && !before(b.1, a.0)
}

/// The claim's values: its attributes but its evidence and its times.
fn values(graph: &Graph, attrs: AttrsId) -> Vec<(Sym, &Value)> {
    graph
        .attrs(attrs)
        .iter()
        .filter(|(k, _)| {
            let key = graph.keys.name(*k);
            !PROVENANCE_KEYS.contains(&key) && !TIME_KEYS.contains(&key)
        })
        .map(|(k, v)| (*k, v))
        .collect()
}

/// Reports the attribute conflicts among the statements of one claim;
/// false when `found` asked to stop.
fn attribute_conflicts(
    graph: &Graph,
    claim: &[(AttrsId, Statement)],
    found: &mut dyn FnMut(Found) -> bool,
) -> bool {
    // The same claim stated again with the same values (another source,
    // say) is the common case: nothing to compare.
    let first = values(graph, claim[0].0);
    if claim[1..].iter().all(|(a, _)| values(graph, *a) == first) {
        return true;
    }
    for (i, (a, sa)) in claim.iter().enumerate() {
        let va = values(graph, *a);
        if va.is_empty() {
            continue;
        }
        for (b, sb) in &claim[i + 1..] {
            if !overlap(valid_time(graph, *a), valid_time(graph, *b)) {
                continue;
            }
            for (key, value) in values(graph, *b) {
                let Some((_, other)) = va.iter().find(|(k, _)| *k == key) else {
                    continue;
                };
                if *other != value
                    && !found(Found {
                        kind: "attribute",
                        key: graph.keys.name(key).to_string(),
                        values: (other.to_string(), value.to_string()),
                        statements: (*sa, *sb),
                    })
                {
                    return false;
                }
            }
        }
    }
    true
}

/// Reports every contradiction among `subject`'s statements (attribute
/// conflicts of its claims, then its functional relations' and its
/// exclusions' breaches, then its facts' attribute conflicts); false when
/// `found` asked to stop.
fn subject_conflicts(
    graph: &Graph,
    subject: NodeIndex,
    found: &mut dyn FnMut(Found) -> bool,
) -> bool {
    let g = graph.petgraph();
    let mut edges: Vec<EdgeIndex> = {
        use petgraph::visit::EdgeRef;
        g.edges(subject).map(|e| e.id()).collect()
    };
    if edges.len() > 1 {
        edges.sort_unstable();
        let object = |e: EdgeIndex| g.edge_endpoints(e).expect("edges have ends").1;
        let mut claims: BTreeMap<(Sym, NodeIndex), Vec<(AttrsId, Statement)>> = BTreeMap::new();
        for &e in &edges {
            claims
                .entry((g[e].relation, object(e)))
                .or_default()
                .push((g[e].attrs, Statement::Edge(e)));
        }
        for claim in claims.values().filter(|c| c.len() > 1) {
            if !attribute_conflicts(graph, claim, found) {
                return false;
            }
        }
        let times = |e: EdgeIndex| valid_time(graph, g[e].attrs);
        let declared = |r: Sym| graph.declarations.get(&r);
        // A functional relation's statements, by relation; those of a
        // relation in an exclusion, by object.
        let mut functional: BTreeMap<Sym, Vec<EdgeIndex>> = BTreeMap::new();
        let mut excluded: BTreeMap<NodeIndex, Vec<EdgeIndex>> = BTreeMap::new();
        for &e in &edges {
            let r = g[e].relation;
            if declared(r).is_some_and(|d| d.functional) {
                functional.entry(r).or_default().push(e);
            }
            if graph.excluded(r) {
                excluded.entry(object(e)).or_default().push(e);
            }
        }
        let pairs = functional
            .values()
            .filter(|l| l.iter().any(|&e| object(e) != object(l[0])))
            .chain(excluded.values().filter(|l| l.len() > 1));
        for list in pairs {
            for (i, &x) in list.iter().enumerate() {
                for &y in &list[i + 1..] {
                    let (rx, ry) = (g[x].relation, g[y].relation);
                    let (ox, oy) = (object(x), object(y));
                    let kind = if rx == ry && ox != oy {
                        "functional"
                    } else if rx != ry
                        && ox == oy
                        && (declared(rx).and_then(|d| d.excludes) == Some(ry)
                            || declared(ry).and_then(|d| d.excludes) == Some(rx))
                    {
                        "excludes"
                    } else {
                        continue;
                    };
                    if !overlap(times(x), times(y)) {
                        continue;
                    }
                    let (nx, ny) = (graph.relations.name(rx), graph.relations.name(ry));
                    let (key, values) = if kind == "functional" {
                        let name = |n: NodeIndex| graph.entity(n).name.to_string();
                        (nx.to_string(), (name(ox), name(oy)))
                    } else {
                        (
                            format!("{nx} excludes {ny}"),
                            (nx.to_string(), ny.to_string()),
                        )
                    };
                    let f = Found {
                        kind,
                        key,
                        values,
                        statements: (Statement::Edge(x), Statement::Edge(y)),
                    };
                    if !found(f) {
                        return false;
                    }
                }
            }
        }
    }
    let mut facts: BTreeMap<Sym, Vec<(AttrsId, Statement)>> = BTreeMap::new();
    for f in graph.facts_of(subject) {
        facts
            .entry(f.predicate)
            .or_default()
            .push((f.attrs, Statement::Fact(*f)));
    }
    facts
        .values()
        .filter(|c| c.len() > 1)
        .all(|claim| attribute_conflicts(graph, claim, found))
}

/// Every contradiction of the graph (at most [`MAX_CONFLICTS`]), by
/// subject in the order entities were first named, and whether the list
/// was cut.
pub fn conflicts(graph: &Graph) -> (Vec<Conflict>, bool) {
    let show = |s: &Statement| match s {
        Statement::Edge(e) => edge_source(graph, *e),
        Statement::Fact(f) => fact_source(graph, f),
    };
    let mut out = Vec::new();
    let mut cut = false;
    for subject in graph.petgraph().node_indices() {
        let more = subject_conflicts(graph, subject, &mut |f| {
            if out.len() == MAX_CONFLICTS {
                cut = true;
                return false;
            }
            out.push(Conflict {
                kind: f.kind,
                key: f.key,
                values: f.values,
                statements: (show(&f.statements.0), show(&f.statements.1)),
            });
            true
        });
        if !more {
            break;
        }
    }
    (out, cut)
}

/// Whether statements are contested (some other statement contradicts
/// them), found a subject at a time as answers ask, and remembered.
pub struct Contested<'g> {
    graph: &'g Graph,
    subjects: HashMap<NodeIndex, (HashSet<EdgeIndex>, Vec<Fact>)>,
    /// The contested statements of one claim (subject, relation, object),
    /// for relations no declaration constrains.
    claims: HashMap<(NodeIndex, Sym, NodeIndex), HashSet<EdgeIndex>>,
}

impl<'g> Contested<'g> {
    pub fn new(graph: &'g Graph) -> Contested<'g> {
        Contested {
            graph,
            subjects: HashMap::new(),
            claims: HashMap::new(),
        }
    }

    fn of(&mut self, subject: NodeIndex) -> &(HashSet<EdgeIndex>, Vec<Fact>) {
        let graph = self.graph;
        self.subjects.entry(subject).or_insert_with(|| {
            let (mut edges, mut facts) = (HashSet::new(), Vec::new());
            subject_conflicts(graph, subject, &mut |f| {
                for s in [f.statements.0, f.statements.1] {
                    match s {
                        Statement::Edge(e) => {
                            edges.insert(e);
                        }
                        Statement::Fact(f) => {
                            if !facts.contains(&f) {
                                facts.push(f)
                            }
                        }
                    }
                }
                true
            });
            (edges, facts)
        })
    }

    /// Whether some statement contradicts the statement of `edge`.
    pub fn edge(&mut self, edge: EdgeIndex) -> bool {
        let graph = self.graph;
        let g = graph.petgraph();
        let r = g[edge].relation;
        let (subject, object) = g.edge_endpoints(edge).expect("edges have ends");
        let declared =
            graph.declarations.get(&r).is_some_and(|d| d.functional) || graph.excluded(r);
        if declared {
            return self.of(subject).0.contains(&edge);
        }
        // Undeclared, only a statement of the same claim can contradict
        // it: most have none (a bit the index keeps), and those that do lie
        // together in the subject's row (a hub's holds tens of thousands).
        if !graph.has_twin(edge) {
            return false;
        }
        let contested = self.claims.entry((subject, r, object)).or_insert_with(|| {
            let rank = graph.name_rank(object);
            let claim: Vec<(AttrsId, Statement)> = graph
                .adjacent_to(subject, petgraph::Direction::Outgoing, rank)
                .filter(|e| e.target == object && e.weight.relation == r)
                .map(|e| (e.weight.attrs, Statement::Edge(e.id)))
                .collect();
            let mut edges = HashSet::new();
            if claim.len() > 1 {
                attribute_conflicts(graph, &claim, &mut |f| {
                    for s in [f.statements.0, f.statements.1] {
                        if let Statement::Edge(e) = s {
                            edges.insert(e);
                        }
                    }
                    true
                });
            }
            edges
        });
        contested.contains(&edge)
    }

    /// Whether some statement contradicts `fact`.
    pub fn fact(&mut self, fact: &Fact) -> bool {
        self.of(fact.subject).1.contains(fact)
    }
}

/// The contradictions as a report, and whether the list was cut.
pub fn report(graph: &Graph) -> (Report, usize, bool) {
    let (list, cut) = conflicts(graph);
    let header: Vec<String> = [
        "kind",
        "key",
        "first",
        "second",
        "first statement",
        "second statement",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let mut rows = Vec::new();
    let mut records = Vec::new();
    for c in &list {
        let (a, b) = &c.statements;
        rows.push(vec![
            c.kind.to_string(),
            c.key.clone(),
            c.values.0.clone(),
            c.values.1.clone(),
            a.line_text(),
            b.line_text(),
        ]);
        records.push(json!({
            "kind": c.kind,
            "key": c.key,
            "values": [c.values.0, c.values.1],
            "statements": [a, b],
        }));
    }
    let mut doc = json!({ "conflicts": records });
    if cut {
        doc["truncated"] = json!(true);
    }
    let n = list.len();
    (
        Report {
            header,
            shown: rows.clone(),
            plain: rows,
            json: doc,
            records,
            what: "conflict",
        },
        n,
        cut,
    )
}
