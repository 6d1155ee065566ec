//! The graph of just the entities and edges an answer touches, with their
//! facts, attributes and provenance.

use super::*;

impl Graph {
    /// The graph of just `nodes` and `edges` (and the edges' ends), with
    /// their facts, attributes and provenance; symbols keep their ids.
    pub fn subgraph(
        &self,
        nodes: &std::collections::BTreeSet<NodeIndex>,
        edges: &std::collections::BTreeSet<petgraph::graph::EdgeIndex>,
    ) -> Graph {
        let mut keep: std::collections::BTreeSet<NodeIndex> = nodes.clone();
        for &e in edges {
            let (a, b) = self.graph.edge_endpoints(e).expect("edges have ends");
            keep.extend([a, b]);
        }
        let mut sub = Graph {
            graph: DiGraph::default(),
            by_name: NameTable::default(),
            facts: Vec::new(),
            fact_set: HashTable::new(),
            attr_sets: AttrSets::new(),
            attr_set_index: HashTable::new(),
            attr_sets_indexed: 1,
            labels: Vec::new(),
            index: Index::default(),
            words: WordIndex::default(),
            relations: self.relations.clone(),
            kinds: self.kinds.clone(),
            keys: self.keys.clone(),
            files: self.files.clone(),
            declarations: self.declarations.clone(),
            anchors: Anchors::default(),
            hasher: self.hasher.clone(),
        };
        // The labels and attribute sets of what is kept, not all of them.
        let set = |sub: &mut Graph, id: AttrsId| sub.intern_attrs(self.attrs(id).to_vec());
        let mut map = std::collections::HashMap::new();
        for &n in &keep {
            let e = &self.graph[n];
            let (new, _) = sub.find_or_add(&e.name, e.origin);
            let label = self.label_of(e).map(|l| sub.add_label(l));
            let attrs = set(&mut sub, e.attrs);
            *sub.entity_mut(new) = Entity {
                label,
                attrs,
                ..e.clone()
            };
            map.insert(n, new);
        }
        let mut list: Vec<(NodeIndex, NodeIndex, Edge)> = Vec::with_capacity(edges.len());
        for &e in edges {
            let (a, b) = self.graph.edge_endpoints(e).expect("edges have ends");
            let edge = self.graph[e];
            let attrs = set(&mut sub, edge.attrs);
            list.push((map[&a], map[&b], Edge { attrs, ..edge }));
        }
        sub.add_edges(&list);
        for f in &self.facts {
            if let Some(&s) = map.get(&f.subject) {
                let attrs = set(&mut sub, f.attrs);
                sub.add_fact(Fact {
                    subject: s,
                    attrs,
                    ..*f
                });
            }
        }
        // The anchors of the quotes kept.
        if !self.anchors.is_empty() {
            let sets: Vec<AttrsId> = sub.item_attrs().collect();
            for id in sets {
                let cited = sub.cited(id);
                if let (Some(source), Some(quote)) = (cited.source, cited.quote) {
                    let key = AnchorKey {
                        source: source.to_string(),
                        quote: quote.to_string(),
                        occurrence: cited.occurrence,
                    };
                    if let Some(a) = self.anchors.get(&key) {
                        sub.anchors.insert(key, a.clone());
                    }
                }
            }
        }
        sub.finish();
        sub
    }
}
