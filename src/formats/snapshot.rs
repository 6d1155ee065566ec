//! Binary snapshots (`.dsnap`): a loaded graph written as it is held, so
//! that it loads back without parsing. The file starts with a magic string,
//! a format version and a checksum of the rest, so a stale or damaged
//! snapshot is refused with a clear error rather than read as a wrong graph.
//!
//! Layout (little-endian): `DOSSIER-SNAPSHOT` (16 bytes), version (u32),
//! payload length (u64), XXH3-128 checksum of the payload (16 bytes),
//! payload: files, relations, kinds, attribute keys, attribute sets,
//! entities, edges, facts, declarations, anchors, the name order, the rows
//! and the word index of names and labels.
//!
//! The checksum finds damage, not forgery (anyone can compute it), so the
//! reader also refuses whatever the relation-file loader would have
//! refused, and checks the stored index against the graph: a snapshot is
//! either the exact graph of some relation files, or refused.

use crate::graph::{Edge, Entity, Fact, Graph, Origin, RelationInfo, Sym};
use crate::value::{Date, Value};
use petgraph::graph::NodeIndex;
use petgraph::visit::EdgeRef;

const MAGIC: &[u8; 16] = b"DOSSIER-SNAPSHOT";
/// The format version; a snapshot of another version is refused.
pub const VERSION: u32 = 7;

/// XXH3-128 of the payload: a strong checksum, fast on large snapshots.
pub fn checksum(bytes: &[u8]) -> u128 {
    xxhash_rust::xxh3::xxh3_128(bytes)
}

struct Writer(Vec<u8>);

impl Writer {
    fn u8(&mut self, v: u8) {
        self.0.push(v);
    }
    fn u32(&mut self, v: u32) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn u64(&mut self, v: u64) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn u32s(&mut self, v: &[u32]) {
        self.u32(v.len() as u32);
        self.0.reserve(v.len() * 4);
        for x in v {
            self.0.extend_from_slice(&x.to_le_bytes());
        }
    }
    fn str(&mut self, s: &str) {
        self.u32(s.len() as u32);
        self.0.extend_from_slice(s.as_bytes());
    }
    fn origin(&mut self, o: Origin) {
        self.u32(o.file);
        self.u32(o.line);
    }
    fn value(&mut self, v: &Value) {
        match v {
            Value::Int(i) => {
                self.u8(0);
                self.u64(*i as u64);
            }
            Value::Dec(d) => {
                self.u8(1);
                self.u64(d.to_bits());
            }
            Value::Str(s) => {
                self.u8(2);
                self.str(s);
            }
            Value::Date(d) => {
                self.u8(3);
                self.u32(d.year as u32);
                self.u8(d.month);
                self.u8(d.day);
            }
            Value::Bool(b) => {
                self.u8(4);
                self.u8(*b as u8);
            }
            Value::Name(n) => {
                self.u8(5);
                self.str(n);
            }
        }
    }
    fn kinds(&mut self, k: &Option<Vec<Sym>>) {
        match k {
            None => self.u32(u32::MAX),
            Some(list) => {
                self.u32(list.len() as u32);
                for s in list {
                    self.u32(*s);
                }
            }
        }
    }
}

/// A snapshot of `graph`.
pub fn write(graph: &Graph) -> Vec<u8> {
    let mut w = Writer(Vec::new());
    w.u32(graph.files.len() as u32);
    for f in &graph.files {
        w.str(f);
    }
    for interner in [&graph.relations, &graph.kinds, &graph.keys] {
        w.u32(interner.len() as u32);
        for (_, name) in interner.iter() {
            w.str(name);
        }
    }
    let sets = graph.attr_set_count();
    w.u32(sets as u32);
    for id in 0..sets as u32 {
        let set = graph.attrs(id);
        w.u32(set.len() as u32);
        for (k, v) in set {
            w.u32(*k);
            w.value(v);
        }
    }
    let g = graph.petgraph();
    w.u32(g.node_count() as u32);
    for (_, e) in graph.entities() {
        w.str(&e.name);
        w.u32(e.kind);
        match graph.label_of(e) {
            Some(l) => {
                w.u8(1);
                w.str(l);
            }
            None => w.u8(0),
        }
        w.u32(e.attrs);
        w.origin(e.origin);
        w.u8(e.declared as u8);
    }
    w.u32(g.edge_count() as u32);
    for e in g.edge_references() {
        w.u32(e.source().index() as u32);
        w.u32(e.target().index() as u32);
        let edge = e.weight();
        w.u32(edge.relation);
        w.u32(edge.attrs);
        w.origin(edge.origin);
    }
    w.u32(graph.facts().len() as u32);
    for f in graph.facts() {
        w.u32(f.subject.index() as u32);
        w.u32(f.predicate);
        w.u32(f.attrs);
        w.origin(f.origin);
    }
    w.u32(graph.declarations.len() as u32);
    for (r, d) in &graph.declarations {
        w.u32(*r);
        w.kinds(&d.subject);
        w.kinds(&d.object);
        w.u8(d.symmetric as u8);
        w.u8(d.transitive as u8);
        w.u32(d.inverse_of.unwrap_or(u32::MAX));
        w.u8(d.functional as u8);
        w.u32(d.excludes.unwrap_or(u32::MAX));
        w.origin(d.origin);
    }
    w.u32(graph.anchors.len() as u32);
    for (k, a) in graph.sorted_anchors() {
        w.str(&k.source);
        w.str(&k.quote);
        w.u32(k.occurrence);
        w.str(&a.file);
        w.u64(a.start);
        w.u64(a.end);
        w.u32(a.line);
        w.u32(a.column);
        w.str(&a.exact);
        w.str(&a.prefix);
        w.str(&a.suffix);
        w.u8(a.rung as u8);
    }
    // The query index's costly parts, so that a load need not sort again:
    // the name order, and the adjacency rows of both directions.
    let (ranks, rows) = graph.ordering();
    w.u32s(ranks);
    for (start, edges) in rows {
        w.u32s(start);
        w.u32s(edges);
    }
    let words = graph.word_index();
    w.u32s(&words.entities);
    w.u32(words.places.len() as u32);
    w.0.extend_from_slice(&words.places);
    let payload = w.0;
    let mut out = Vec::with_capacity(payload.len() + 44);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&VERSION.to_le_bytes());
    out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    out.extend_from_slice(&checksum(&payload).to_le_bytes());
    out.extend_from_slice(&payload);
    out
}

struct Reader<'b> {
    bytes: &'b [u8],
    at: usize,
}

const DAMAGED: &str = "the snapshot is damaged (it ends too soon or holds a value out of range)";

impl<'b> Reader<'b> {
    fn take(&mut self, n: usize) -> Result<&'b [u8], String> {
        let end = self
            .at
            .checked_add(n)
            .filter(|e| *e <= self.bytes.len())
            .ok_or(DAMAGED)?;
        let s = &self.bytes[self.at..end];
        self.at = end;
        Ok(s)
    }
    fn u8(&mut self) -> Result<u8, String> {
        Ok(self.take(1)?[0])
    }
    fn u32(&mut self) -> Result<u32, String> {
        Ok(u32::from_le_bytes(
            self.take(4)?.try_into().expect("four bytes"),
        ))
    }
    fn u32s(&mut self) -> Result<Vec<u32>, String> {
        let n = self.count(4)?;
        let bytes = self.take(n * 4)?;
        // Adjacency rows, read at random by searches.
        let mut v = Vec::with_capacity(n);
        crate::graph::advise_huge_pages(v.as_ptr(), n);
        v.extend(
            bytes
                .chunks_exact(4)
                .map(|b| u32::from_le_bytes(b.try_into().expect("four bytes"))),
        );
        Ok(v)
    }
    fn u64(&mut self) -> Result<u64, String> {
        Ok(u64::from_le_bytes(
            self.take(8)?.try_into().expect("eight bytes"),
        ))
    }
    fn str(&mut self) -> Result<&'b str, String> {
        let n = self.u32()? as usize;
        std::str::from_utf8(self.take(n)?).map_err(|_| DAMAGED.to_string())
    }
    fn origin(&mut self) -> Result<Origin, String> {
        Ok(Origin {
            file: self.u32()?,
            line: self.u32()?,
        })
    }
    fn count(&mut self, each: usize) -> Result<usize, String> {
        let n = self.u32()? as usize;
        // A count can't promise more items than there are bytes left.
        if n.saturating_mul(each) > self.bytes.len() - self.at {
            return Err(DAMAGED.into());
        }
        Ok(n)
    }
    fn value(&mut self) -> Result<Value, String> {
        Ok(match self.u8()? {
            0 => Value::Int(self.u64()? as i64),
            1 => {
                let d = f64::from_bits(self.u64()?);
                // A relation file cannot hold NaN or an infinity.
                if !d.is_finite() {
                    return Err(DAMAGED.into());
                }
                Value::Dec(d)
            }
            2 => Value::Str(self.str()?.into()),
            3 => {
                let (y, m, d) = (self.u32()?, self.u8()?, self.u8()?);
                // Dates are written with four-digit years.
                let y = u16::try_from(y)
                    .ok()
                    .filter(|y| *y <= 9999)
                    .ok_or(DAMAGED)?;
                Value::Date(Date::new(y, m, d).ok_or(DAMAGED)?)
            }
            4 => match self.u8()? {
                0 => Value::Bool(false),
                1 => Value::Bool(true),
                _ => return Err(DAMAGED.into()),
            },
            5 => {
                let name = self.str()?;
                if name.is_empty() {
                    return Err(DAMAGED.into());
                }
                Value::Name(name.into())
            }
            _ => return Err(DAMAGED.into()),
        })
    }
    fn kinds(&mut self, limit: usize) -> Result<Option<Vec<Sym>>, String> {
        let n = self.u32()?;
        if n == u32::MAX {
            return Ok(None);
        }
        (0..n)
            .map(|_| sym(self.u32()?, limit))
            .collect::<Result<_, _>>()
            .map(Some)
    }
}

fn sym(s: u32, limit: usize) -> Result<Sym, String> {
    if (s as usize) < limit {
        Ok(s)
    } else {
        Err(DAMAGED.into())
    }
}

/// Whether `bytes` start like a snapshot.
pub fn is_snapshot(bytes: &[u8]) -> bool {
    bytes.starts_with(MAGIC)
}

/// The graph of a snapshot, or why it can't be read.
pub fn read(bytes: &[u8]) -> Result<Graph, String> {
    if !is_snapshot(bytes) {
        return Err("it is not a Dossier snapshot (no DOSSIER-SNAPSHOT header)".into());
    }
    let mut head = Reader {
        bytes,
        at: MAGIC.len(),
    };
    let version = head.u32()?;
    if version != VERSION {
        return Err(format!(
            "it is a snapshot of format version {version}, and this Dossier reads version {VERSION}; make it again from the relation files with `dossier export --to snapshot`"
        ));
    }
    let len = head.u64()? as usize;
    let expected = u128::from_le_bytes(head.take(16)?.try_into().expect("sixteen bytes"));
    let payload = &bytes[head.at..];
    if payload.len() != len || checksum(payload) != expected {
        return Err("the snapshot is damaged: its checksum does not match; make it again from the relation files".into());
    }
    let mut r = Reader {
        bytes: payload,
        at: 0,
    };
    let mut graph = Graph::new();
    let files = r.count(4)?;
    for _ in 0..files {
        graph.files.push(r.str()?.to_string());
    }
    let mut interned = [0usize; 3];
    for (i, interner) in [&mut graph.relations, &mut graph.kinds, &mut graph.keys]
        .into_iter()
        .enumerate()
    {
        let n = r.count(4)?;
        for j in 0..n {
            let name = r.str()?;
            // Kinds and keys are identifiers, relations any text but control
            // characters (a TSV import's `has part`); built-in kinds are
            // interned already, at the same ids, and no name comes twice.
            let fits = if i == 0 {
                crate::value::relation_name_problem(name).is_none()
            } else {
                crate::value::has_identifier_shape(name)
            };
            if !fits || interner.intern(name) as usize != j {
                return Err(DAMAGED.into());
            }
        }
        interned[i] = n;
    }
    let [relations, kinds, keys] = interned;
    let sets = r.count(4)?;
    // Sets are distinct (a graph interns them): their bytes, to compare.
    let mut distinct: std::collections::HashSet<&[u8]> =
        std::collections::HashSet::with_capacity(sets);
    for id in 0..sets {
        let from = r.at;
        let n = r.count(5)?;
        // Set 0 is the empty set of every graph.
        if (id == 0) != (n == 0) {
            return Err(DAMAGED.into());
        }
        let mut set = Vec::with_capacity(n);
        for _ in 0..n {
            set.push((sym(r.u32()?, keys)?, r.value()?));
        }
        // A key once in a set, and a graph's sets in key order.
        if set.windows(2).any(|w| w[0].0 >= w[1].0) {
            return Err(DAMAGED.into());
        }
        if !distinct.insert(&payload[from..r.at]) {
            return Err(DAMAGED.into());
        }
        // The snapshot's ids are the order of its sets, which a graph
        // keeps distinct; they are indexed when next needed.
        if id > 0 {
            graph.push_attr_set(set);
        }
    }
    let check_origin = |o: Origin| {
        if (o.file as usize) < files {
            Ok(o)
        } else {
            Err(DAMAGED.to_string())
        }
    };
    let nodes = r.count(22)?;
    let mut entities = Vec::with_capacity(nodes);
    let mut names = Vec::with_capacity(nodes);
    for _ in 0..nodes {
        let name = r.str()?;
        if name.is_empty() {
            return Err(DAMAGED.into());
        }
        names.push(name);
        let kind = sym(r.u32()?, kinds)?;
        let label = if r.u8()? == 1 {
            Some(graph.add_label(r.str()?))
        } else {
            None
        };
        let attrs = sym(r.u32()?, sets)?;
        let origin = check_origin(r.origin()?)?;
        let declared = match r.u8()? {
            0 => false,
            1 => true,
            _ => return Err(DAMAGED.into()),
        };
        // An entity made by use has the kind `entity` (kind 0), and no
        // label or attributes.
        if !declared && (kind != 0 || label.is_some() || attrs != 0) {
            return Err(DAMAGED.into());
        }
        entities.push(Entity {
            name: name.into(),
            kind,
            label,
            attrs,
            origin,
            declared,
        });
    }
    let edge_count = r.count(24)?;
    // The names are indexed on another thread while the edges are read.
    // A snapshot's edges are a graph's: no statement twice.
    graph
        .add_new_entities(entities, &names, |graph| {
            let edges = (0..edge_count).map(|_| {
                let (a, b) = (r.u32()? as usize, r.u32()? as usize);
                if a >= nodes || b >= nodes {
                    return Err(DAMAGED.to_string());
                }
                let relation = sym(r.u32()?, relations)?;
                let attrs = sym(r.u32()?, sets)?;
                let origin = check_origin(r.origin()?)?;
                Ok((
                    NodeIndex::new(a),
                    NodeIndex::new(b),
                    Edge {
                        relation,
                        attrs,
                        origin,
                    },
                ))
            });
            graph.add_unique_edges(edge_count, edges)
        })
        .map_err(|_| DAMAGED.to_string())??;
    let facts = r.count(20)?;
    let mut fact_keys = Vec::with_capacity(facts);
    for _ in 0..facts {
        let s = r.u32()? as usize;
        if s >= nodes {
            return Err(DAMAGED.into());
        }
        let predicate = sym(r.u32()?, relations)?;
        let attrs = sym(r.u32()?, sets)?;
        let origin = check_origin(r.origin()?)?;
        fact_keys.push((s, predicate, attrs));
        graph.add_fact(Fact {
            subject: NodeIndex::new(s),
            predicate,
            attrs,
            origin,
        });
    }
    // A fact stated twice, word for word, is held once.
    fact_keys.sort_unstable();
    if fact_keys.windows(2).any(|w| w[0] == w[1]) {
        return Err(DAMAGED.into());
    }
    let declarations = r.count(22)?;
    for _ in 0..declarations {
        let rel = sym(r.u32()?, relations)?;
        let subject = r.kinds(kinds)?;
        let object = r.kinds(kinds)?;
        let symmetric = r.u8()? != 0;
        let transitive = r.u8()? != 0;
        let inverse = r.u32()?;
        let inverse_of = if inverse == u32::MAX {
            None
        } else {
            Some(sym(inverse, relations)?)
        };
        let functional = r.u8()? != 0;
        let excludes = match r.u32()? {
            u32::MAX => None,
            x => Some(sym(x, relations)?),
        };
        if excludes == Some(rel) {
            return Err(DAMAGED.into());
        }
        let origin = check_origin(r.origin()?)?;
        graph.declarations.insert(
            rel,
            RelationInfo {
                subject,
                object,
                symmetric,
                transitive,
                inverse_of,
                functional,
                excludes,
                origin,
            },
        );
    }
    check_declarations(&graph, &fact_keys)?;
    let anchors = r.count(57)?;
    for _ in 0..anchors {
        let source = r.str()?.to_string();
        let quote = r.str()?.to_string();
        let occurrence = r.u32()?;
        let file = r.str()?.to_string();
        let (start, end, line, column) = (r.u64()?, r.u64()?, r.u32()?, r.u32()?);
        let (exact, prefix, suffix) = (
            r.str()?.to_string(),
            r.str()?.to_string(),
            r.str()?.to_string(),
        );
        let rung = match r.u8()? {
            0 => crate::graph::Match::Exact,
            1 => crate::graph::Match::Whitespace,
            2 => crate::graph::Match::Typography,
            _ => return Err(DAMAGED.into()),
        };
        if start > end || line == 0 || column == 0 {
            return Err(DAMAGED.into());
        }
        let key = crate::graph::AnchorKey {
            source,
            quote,
            occurrence,
        };
        let anchor = crate::graph::Anchor {
            file,
            start,
            end,
            line,
            column,
            exact,
            prefix,
            suffix,
            rung,
        };
        if graph.anchors.insert(key, anchor).is_some() {
            return Err(DAMAGED.into());
        }
    }
    let ranks = r.u32s()?;
    let out = (r.u32s()?, r.u32s()?);
    let incoming = (r.u32s()?, r.u32s()?);
    let words = (r.u32s()?, r.count(1).and_then(|n| r.take(n))?.to_vec());
    if r.at != payload.len() {
        return Err(DAMAGED.into());
    }
    graph
        .finish_with(ranks, [out, incoming], words)
        .map_err(|why| {
            format!("the snapshot is damaged: {why}; make it again from the relation files")
        })?;
    Ok(graph)
}

/// What the loader checks of relation declarations (see
/// `Loader::check_declarations`): no relation its own inverse or the
/// inverse of an inverse, no fact with a relation declared to join two
/// entities, and every statement of a declared relation between the
/// declared kinds (read through its partner's declaration for an inverse;
/// either way round for a symmetric one).
fn check_declarations(graph: &Graph, facts: &[(usize, Sym, u32)]) -> Result<(), String> {
    if !graph.has_declarations() {
        return Ok(());
    }
    for (r, d) in &graph.declarations {
        if let Some(v) = d.inverse_of
            && (v == *r
                || graph
                    .declarations
                    .get(&v)
                    .is_some_and(|p| p.inverse_of.is_some()))
        {
            return Err(DAMAGED.into());
        }
    }
    let signature = |r: Sym| {
        let info = graph.declarations.get(&r)?;
        match info.inverse_of {
            Some(partner) => graph
                .declarations
                .get(&partner)
                .map(|p| (p, true))
                .or(Some((info, false))),
            None => Some((info, false)),
        }
    };
    for (_, p, _) in facts {
        if let Some((info, _)) = signature(*p)
            && (info.object.is_some()
                || info.subject.is_some()
                || info.symmetric
                || info.transitive
                || info.inverse_of.is_some())
        {
            return Err(DAMAGED.into());
        }
    }
    let g = graph.petgraph();
    let fits = |list: &Option<Vec<Sym>>, node: NodeIndex| {
        list.as_ref().is_none_or(|l| l.contains(&g[node].kind))
    };
    for e in g.edge_references() {
        let Some((info, reversed)) = signature(e.weight().relation) else {
            continue;
        };
        let (subject, object) = if reversed {
            (&info.object, &info.subject)
        } else {
            (&info.subject, &info.object)
        };
        let (a, b) = (e.source(), e.target());
        if !((fits(subject, a) && fits(object, b))
            || (info.symmetric && fits(subject, b) && fits(object, a)))
        {
            return Err(DAMAGED.into());
        }
    }
    Ok(())
}

use crate::formats::json::JsonDoc;
use crate::load::{Diagnostic, Loader};

impl Loader<'_> {
    /// A binary snapshot (`--to snapshot`). Into an empty graph it is
    /// taken as it is, with no parsing; into a graph that holds something
    /// it goes through the same checks as the JSON it stands for.
    pub(crate) fn snapshot(&mut self, name: String, bytes: &[u8]) {
        let file = self.sources.add(name.clone(), "");
        let graph = match crate::snapshot::read(bytes) {
            Ok(graph) => graph,
            Err(why) => {
                self.diagnostics.push(
                    Diagnostic::bare(format!("cannot load `{name}`: {why}"))
                        .help("snapshots are made by `dossier export FILE... --to snapshot -o NAME.dsnap`"),
                );
                return;
            }
        };
        if self.graph.entity_count() == 0 && self.graph.files.is_empty() && self.edges.is_empty() {
            *self.graph = graph;
            self.whole_snapshot = true;
            return;
        }
        let json = crate::export::json::json(&graph);
        let doc: JsonDoc<'_> = serde_json::from_str(&json).expect("Dossier's own JSON parses");
        if let Err(message) = self.json_doc(file, doc) {
            self.diagnostics
                .push(Diagnostic::bare(format!("cannot load `{name}`: {message}")));
        }
    }
}
