//! The graph a load builds: merging, duplicates, provenance, all-or-nothing.

use dossier::build::{Input, Options};
use dossier::graph::Graph;
use dossier::value::{Date, Value};

fn text(name: &str, text: &str) -> Input {
    Input::Text {
        name: name.into(),
        text: text.into(),
    }
}

fn load(src: &str) -> Graph {
    Graph::from_inputs(&[text("t.kg", src)], Options::default())
        .unwrap_or_else(|e| panic!("{}", e.render(false)))
}

fn attr<'g>(g: &'g Graph, attrs: u32, key: &str) -> Option<&'g Value> {
    let key = g.keys.get(key)?;
    g.attrs(attrs)
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, v)| v)
}

#[test]
fn declarations_merge_and_undeclared_names_are_entities() {
    let g = load("A r B\nA: state \"Aland\"\nA: state {iso: \"AL\"}\n");
    let a = g.find("A").unwrap();
    let b = g.find("B").unwrap();
    assert_eq!(g.kind_name(a), "state");
    assert_eq!(g.label(a), Some("Aland"));
    assert_eq!(
        attr(&g, g.entity(a).attrs, "iso"),
        Some(&Value::Str("AL".into()))
    );
    assert_eq!(
        g.entity(a).origin.line,
        2,
        "an entity's origin is its declaration"
    );
    assert_eq!(g.kind_name(b), "entity");
    assert!(!g.entity(b).declared);
    assert_eq!(
        g.entity(b).origin.line,
        1,
        "an undeclared entity's origin is its first use"
    );
}

#[test]
fn quoted_and_bare_names_are_the_same_entity() {
    let g = load("North_Korea: state\n\"North_Korea\" borders China\n");
    assert_eq!(g.entity_count(), 2);
    assert!(g.find("north_korea").is_none(), "names are case-sensitive");
}

#[test]
fn repeated_statements_add_nothing_but_other_attributes_do() {
    let g = load("A r B\nA r B\nA r B {w: 1}\nA r B {w: 1}\nA r B {w: 2}\nA s B\nB r A\n");
    assert_eq!(g.relation_count(), 5);
}

#[test]
fn edges_remember_where_they_came_from() {
    let g = Graph::from_inputs(
        &[text("a.kg", "A r B\n"), text("b.kg", "\n\nB r C\n")],
        Options::default(),
    )
    .unwrap();
    let pg = g.petgraph();
    let mut origins: Vec<(String, u32)> = pg
        .edge_indices()
        .map(|e| {
            (
                g.files[pg[e].origin.file as usize].clone(),
                pg[e].origin.line,
            )
        })
        .collect();
    origins.sort();
    assert_eq!(
        origins,
        vec![("a.kg".to_string(), 1), ("b.kg".to_string(), 3)]
    );
}

#[test]
fn values_keep_their_types() {
    let g = load("A r B {i: 7, d: 7.0, s: \"7\", t: 2014-11-18, b: true, n: Seven}\n");
    let e = g.petgraph().edge_indices().next().unwrap();
    let attrs = g.petgraph()[e].attrs;
    assert_eq!(attr(&g, attrs, "i"), Some(&Value::Int(7)));
    assert_eq!(attr(&g, attrs, "d"), Some(&Value::Dec(7.0)));
    assert_eq!(attr(&g, attrs, "s"), Some(&Value::Str("7".into())));
    assert_eq!(
        attr(&g, attrs, "t"),
        Some(&Value::Date(Date::new(2014, 11, 18).unwrap()))
    );
    assert_eq!(attr(&g, attrs, "b"), Some(&Value::Bool(true)));
    assert_eq!(attr(&g, attrs, "n"), Some(&Value::Name("Seven".into())));
}

#[test]
fn facts_are_unary_and_deduplicated() {
    let g = load(
        "China abstains_on_referral\nChina abstains_on_referral\nChina abstains_on_referral {n: 1}\n",
    );
    assert_eq!(g.fact_count(), 2);
    assert_eq!(g.relation_count(), 0);
    let f = g.facts()[0];
    assert_eq!(&*g.entity(f.subject).name, "China");
    assert_eq!(g.relations.name(f.predicate), "abstains_on_referral");
}

#[test]
fn a_failed_load_changes_nothing() {
    let mut g = load("A: state\nA r B\n");
    let before = format!("{g:?}");
    let err = g
        .load(
            &[
                text("good.kg", "C r D\n"),
                text("bad.kg", "E r F\nA: body\n"),
            ],
            Options::default(),
        )
        .unwrap_err();
    assert_eq!(err.diagnostics.len(), 1);
    assert_eq!(format!("{g:?}"), before);
    assert!(g.find("C").is_none() && g.find("E").is_none());
    assert_eq!(g.files, vec!["t.kg".to_string()]);

    let added = g
        .load(&[text("good.kg", "C r D\nA r B\n")], Options::default())
        .unwrap();
    assert_eq!((added.entities, added.relations, added.facts), (2, 1, 0));
}

#[test]
fn crlf_and_a_byte_order_mark_are_accepted() {
    let g = load("\u{feff}A: state \"A\"\r\nA r B {q: \"x\"}\r\n# c\r\n");
    assert_eq!(g.label(g.find("A").unwrap()), Some("A"));
    let e = g.petgraph().edge_indices().next().unwrap();
    assert_eq!(
        attr(&g, g.petgraph()[e].attrs, "q"),
        Some(&Value::Str("x".into()))
    );
}

#[test]
fn strict_needs_a_declaration_somewhere_in_the_load() {
    let strict = Options {
        strict: true,
        ..Options::default()
    };
    assert!(
        Graph::from_inputs(
            &[text("a.kg", "A r B\n"), text("b.kg", "A: state\nB: body\n")],
            strict
        )
        .is_ok()
    );
    let err = Graph::from_inputs(&[text("a.kg", "A r B\nA: state\n")], strict).unwrap_err();
    assert_eq!(err.diagnostics.len(), 1);
    assert_eq!(err.diagnostics[0].message, "`B` is not declared");
}

#[test]
fn user_kinds_are_interned_beside_the_builtin_ones() {
    let g = load("R: document \"Resolution\"\nP: person\n");
    assert_eq!(g.kind_name(g.find("R").unwrap()), "document");
    assert_eq!(g.kind_name(g.find("P").unwrap()), "person");
}

#[test]
fn every_error_in_a_file_is_reported() {
    let err = Graph::from_inputs(
        &[text("t.kg", "A r\nB r C D\nE: \nF: x\nF: y\n\"G\n")],
        Options::default(),
    )
    .unwrap_err();
    let lines: Vec<usize> = err
        .diagnostics
        .iter()
        .map(|d| {
            err.sources
                .line_col(d.place.unwrap().file, d.place.unwrap().span.start)
                .0
        })
        .collect();
    assert_eq!(lines, vec![2, 3, 5, 6]);
}
