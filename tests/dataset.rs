//! The Koreas dataset: complete, declared, and quoting its article verbatim.

use dossier::build::{Input, Options};
use dossier::graph::Graph;
use dossier::value::Value;
use std::path::PathBuf;

fn koreas() -> Graph {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/koreas.kg");
    Graph::from_inputs(
        &[Input::Path(path)],
        Options {
            strict: true,
            ..Options::default()
        },
    )
    .unwrap_or_else(|e| panic!("{}", e.render(false)))
}

fn article() -> String {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/sources/articles");
    let path = dir.join("un-calls-for-prosecution-of-north-korean-leadership.txt");
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("the article at {} is needed: {e}", path.display()))
}

fn str_attr(g: &Graph, attrs: u32, key: &str) -> Option<String> {
    let key = g.keys.get(key)?;
    g.attrs(attrs)
        .iter()
        .find(|(k, _)| *k == key)
        .and_then(|(_, v)| match v {
            Value::Str(s) => Some(s.to_string()),
            _ => None,
        })
}

#[test]
fn has_at_least_forty_statements_all_declared() {
    let g = koreas();
    assert!(g.relation_count() + g.fact_count() >= 40);
    for (_, e) in g.entities() {
        assert!(
            e.declared && e.label.is_some(),
            "{} needs a declaration with a label",
            e.name
        );
    }
}

#[test]
fn every_quote_is_the_articles_own_words() {
    // Dossier checks each quote against the article on load; here each
    // anchor is checked against the article's code points.
    let g = koreas();
    let text = article();
    let article: Vec<char> = text.chars().collect();
    let pg = g.petgraph();
    let quotes = pg
        .edge_indices()
        .map(|e| pg[e].attrs)
        .chain(g.facts().iter().map(|f| f.attrs));
    let (mut count, mut reported) = (0, 0);
    for attrs in quotes {
        let quote = str_attr(&g, attrs, "quote").expect("every statement has a quote");
        // Reuters' report, which the article quotes, has no text here: its
        // quotes are not checked, but they are the article's words too.
        if g.cited(attrs).source == Some("Reuters_report") {
            assert!(g.anchor(attrs).is_none());
            assert!(text.contains(&quote), "{quote}");
            reported += 1;
            continue;
        }
        assert_eq!(g.cited(attrs).source, Some("Article"), "{quote}");
        let anchor = g
            .anchor(attrs)
            .unwrap_or_else(|| panic!("not anchored: {quote:?}"));
        let at: String = article[anchor.start as usize..anchor.end as usize]
            .iter()
            .collect();
        assert_eq!(at, anchor.exact, "{quote}");
        let fold = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
        assert_eq!(fold(&anchor.exact), fold(&quote));
        count += 1;
    }
    assert_eq!(count + reported, g.relation_count() + g.fact_count());
    assert_eq!(reported, 3);
}

#[test]
fn names_the_articles_actors() {
    let g = koreas();
    for (name, kind) in [
        ("North_Korea", "state"),
        ("China", "state"),
        ("Russia", "state"),
        ("United_States", "state"),
        ("General_Assembly", "body"),
        ("Human_Rights_Committee", "body"),
        ("Security_Council", "body"),
        ("ICC", "body"),
        ("Choe_Myong-nam", "person"),
        ("Kim_Jong-un", "person"),
        ("Second_in_Command", "person"),
    ] {
        let node = g.find(name).unwrap_or_else(|| panic!("{name} is missing"));
        assert_eq!(g.kind_name(node), kind, "{name}");
    }
}

#[test]
fn records_the_vote() {
    let g = koreas();
    let pg = g.petgraph();
    let adopted = g.relations.get("adopted").unwrap();
    let vote = pg
        .edge_indices()
        .find(|&e| pg[e].relation == adopted)
        .unwrap();
    let attrs = g.attrs(pg[vote].attrs);
    let get = |k: &str| {
        attrs
            .iter()
            .find(|(key, _)| g.keys.name(*key) == k)
            .map(|(_, v)| v.clone())
    };
    assert_eq!(get("in_favour"), Some(Value::Int(111)));
    assert_eq!(get("against"), Some(Value::Int(19)));
    assert_eq!(get("abstentions"), Some(Value::Int(55)));
}
