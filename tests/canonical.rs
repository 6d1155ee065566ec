//! Printing a parsed relation file in canonical form and parsing it again
//! gives the same items (spans aside), for generated files with every kind
//! of item, any string content, any number and odd spacing and comments.

use dossier::ast::Item;
use proptest::prelude::*;

fn items(text: &str) -> Vec<Result<Item<'_>, String>> {
    let mut out = Vec::new();
    dossier::parse::parse_text(0, text, |_, item| {
        out.push(item.map_err(|d| d.message.clone()));
    });
    out
}

fn ident() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Za-z_][A-Za-z0-9_-]{0,8}",
        "[\\p{L}_][\\p{L}\\p{N}_-]{0,5}",
        Just("relation".to_string()),
        Just("inverse".to_string()),
        Just("transitive".to_string()),
        Just("any".to_string()),
    ]
}

/// A string literal of any content, written with the escapes the language
/// has (and some characters left raw that need no escape).
fn string() -> impl Strategy<Value = String> {
    any::<String>().prop_map(|s| {
        let mut out = String::new();
        dossier::value::write_quoted(&mut out, &s).unwrap();
        out
    })
}

fn name() -> impl Strategy<Value = String> {
    prop_oneof![ident(), string()]
}

fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<i64>().prop_map(|v| v.to_string()),
        any::<f64>()
            .prop_filter("finite", |v| v.is_finite())
            .prop_map(|v| dossier::value::Value::Dec(v).to_string()),
        (1000u32..3000, 1u32..13, 1u32..29).prop_map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}")),
        Just("true".to_string()),
        Just("false".to_string()),
        string(),
        "[A-Za-z][A-Za-z0-9_]{0,6}".prop_filter("not a keyword", |s| s != "true" && s != "false"),
    ]
}

fn space() -> impl Strategy<Value = &'static str> {
    prop_oneof![Just(" "), Just("\t"), Just("  "), Just(" \t ")]
}

fn attrs() -> impl Strategy<Value = String> {
    prop::collection::btree_map("[a-z][a-z0-9_]{0,5}", value(), 0..4).prop_flat_map(|kv| {
        (space(), space()).prop_map(move |(a, b)| {
            if kv.is_empty() {
                String::new()
            } else {
                let body: Vec<String> = kv.iter().map(|(k, v)| format!("{k}:{a}{v}")).collect();
                format!("{b}{{{}}}", body.join(&format!(",{a}")))
            }
        })
    })
}

fn kinds() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("any".to_string()),
        prop::collection::vec("[a-z][a-z_]{0,5}", 1..3).prop_map(|k| k.join(" | ")),
    ]
}

fn line() -> impl Strategy<Value = String> {
    let item = prop_oneof![
        (
            name(),
            space(),
            ident(),
            prop::option::of(string()),
            attrs()
        )
            .prop_map(|(n, s, k, l, a)| format!(
                "{n}:{s}{k}{}{a}",
                l.map_or(String::new(), |l| format!(" {l}"))
            )),
        (name(), space(), ident(), prop::option::of(name()), attrs()).prop_map(
            |(a, s, r, o, at)| {
                format!(
                    "{a}{s}{r}{}{at}",
                    o.map_or(String::new(), |o| format!(" {o}"))
                )
            }
        ),
        (
            ident(),
            kinds(),
            prop_oneof![Just("->"), Just("<->")],
            kinds(),
            any::<bool>(),
            any::<bool>()
        )
            .prop_map(|(r, a, arrow, b, t, f)| format!(
                "relation {r}: {a} {arrow} {b}{}{}",
                if f { " functional" } else { "" },
                if t { " transitive" } else { "" }
            )),
        (ident(), ident()).prop_map(|(a, b)| format!("relation {a} inverse {b}")),
        (ident(), ident()).prop_map(|(a, b)| format!("relation {a} excludes {b}")),
        string().prop_map(|s| format!("include {s}")),
    ];
    (space(), item, prop::option::of("[ -~]{0,10}")).prop_map(|(lead, item, comment)| {
        format!(
            "{lead}{item}{}",
            comment.map_or(String::new(), |c| format!(" #{c}"))
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 500, ..ProptestConfig::default() })]

    #[test]
    fn canonical_form_parses_to_the_same_items(lines in prop::collection::vec(line(), 1..8)) {
        let text = lines.join("\n");
        for item in items(&text).into_iter().flatten() {
            let canonical = item.canonical();
            let again = items(&canonical);
            prop_assert_eq!(again.len(), 1, "{}", canonical);
            let Ok(parsed) = again.into_iter().next().unwrap() else {
                panic!("the canonical form `{canonical}` does not parse");
            };
            prop_assert_eq!(parsed.canonical(), canonical.clone());
            prop_assert_eq!(parsed.without_spans(), item.without_spans(), "{}", canonical);
        }
    }

    #[test]
    fn fmt_keeps_the_items_and_comments_and_is_done_at_once(lines in prop::collection::vec(line(), 1..8), blanks in prop::collection::vec(0..3usize, 8)) {
        // Lines with blank lines after some.
        let text: String = lines.iter().zip(&blanks).map(|(l, blank)| format!("{l}\n{}", "\n".repeat(*blank))).collect();
        let Ok(formatted) = dossier::fmt::format(&text) else {
            // A line that does not parse: fmt refuses as the loader does.
            prop_assert!(items(&text).iter().any(Result::is_err));
            return Ok(());
        };
        let before: Vec<_> = items(&text).into_iter().map(|i| i.unwrap().without_spans()).collect();
        let after: Vec<_> = items(&formatted).into_iter().map(|i| i.unwrap().without_spans()).collect();
        prop_assert_eq!(before, after);
        prop_assert_eq!(dossier::fmt::format(&formatted).unwrap(), formatted.clone());
        // No comment is lost: every `#` is in a comment, a string or a name.
        prop_assert_eq!(text.matches('#').count(), formatted.matches('#').count());
        prop_assert!(!formatted.contains("\n\n\n") && !formatted.starts_with('\n'));
    }

    #[test]
    fn any_text_that_parses_prints_back(text in "\\PC{0,60}") {
        for item in items(&text).into_iter().flatten() {
            let canonical = item.canonical();
            let again = items(&canonical);
            prop_assert_eq!(again.len(), 1, "{}", canonical);
            let parsed = again.into_iter().next().unwrap();
            prop_assert!(parsed.is_ok(), "`{}` does not parse", canonical);
            prop_assert_eq!(parsed.unwrap().without_spans(), item.without_spans());
        }
    }
}

#[test]
fn the_bundled_graph_prints_back_item_for_item() {
    let text = include_str!("../data/koreas.kg");
    let all = items(text);
    assert!(all.len() > 60);
    for item in all.into_iter().flatten() {
        let canonical = item.canonical();
        let parsed = items(&canonical).into_iter().next().unwrap().unwrap();
        assert_eq!(parsed.without_spans(), item.without_spans(), "{canonical}");
    }
}
