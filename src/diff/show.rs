//! A diff shown: for people, a line a change with what changed indented
//! below it and a summary; for tools, JSON; a changed quote as a word diff.

use super::{Diff, Statement};
use crate::graph::{AttrsId, Graph, Origin};
use crate::value::Value;
use petgraph::graph::NodeIndex;
use serde_json::json;

/// A statement as a relation file writes it, every attribute included.
pub fn statement_text(graph: &Graph, s: &Statement) -> String {
    let mut text = claim_text(graph, s);
    text.push_str(&attrs_text(graph, s.attrs));
    text
}

/// A statement's claim: subject, relation and object.
fn claim_text(graph: &Graph, s: &Statement) -> String {
    let mut text = String::new();
    crate::value::write_name(&mut text, &graph.entity(s.subject).name).expect("a String");
    text.push(' ');
    crate::value::write_relation(&mut text, graph.relations.name(s.relation)).expect("a String");
    if let Some(o) = s.object {
        text.push(' ');
        crate::value::write_name(&mut text, &graph.entity(o).name).expect("a String");
    }
    text
}

fn attrs_text(graph: &Graph, attrs: AttrsId) -> String {
    let list = graph.attrs(attrs);
    if list.is_empty() {
        return String::new();
    }
    let parts: Vec<String> = list
        .iter()
        .map(|(k, v)| format!("{}: {v}", graph.keys.name(*k)))
        .collect();
    format!(" {{{}}}", parts.join(", "))
}

/// An entity as its declaration reads: `Name: kind "label" {attrs}`.
pub fn entity_text(graph: &Graph, n: NodeIndex) -> String {
    let e = graph.entity(n);
    let mut text = String::new();
    crate::value::write_name(&mut text, &e.name).expect("a String");
    text.push_str(": ");
    text.push_str(graph.kind_name(n));
    if let Some(label) = graph.label_of(e) {
        text.push(' ');
        crate::value::write_quoted(&mut text, label).expect("a String");
    }
    text.push_str(&attrs_text(graph, e.attrs));
    text
}

/// The words of `old` and `new` as git's `--word-diff=plain` shows them:
/// `[-removed-]{+added+}` beside the words both share.
pub fn word_diff(old: &str, new: &str) -> String {
    let a: Vec<&str> = old.split_whitespace().collect();
    let b: Vec<&str> = new.split_whitespace().collect();
    // Past this many cells the table costs more than it tells: the whole
    // text is shown replaced.
    const MAX_CELLS: usize = 4_000_000;
    if a.len().saturating_mul(b.len()) > MAX_CELLS {
        return format!("[-{}-]{{+{}+}}", a.join(" "), b.join(" "));
    }
    // The longest common subsequence of words, from the ends.
    let w = b.len() + 1;
    let mut len = vec![0u32; (a.len() + 1) * w];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            len[i * w + j] = if a[i] == b[j] {
                len[(i + 1) * w + j + 1] + 1
            } else {
                len[(i + 1) * w + j].max(len[i * w + j + 1])
            };
        }
    }
    let mut parts: Vec<String> = Vec::new();
    let (mut gone, mut come): (Vec<&str>, Vec<&str>) = (Vec::new(), Vec::new());
    let flush = |parts: &mut Vec<String>, gone: &mut Vec<&str>, come: &mut Vec<&str>| {
        let mut run = String::new();
        if !gone.is_empty() {
            run.push_str(&format!("[-{}-]", gone.join(" ")));
        }
        if !come.is_empty() {
            run.push_str(&format!("{{+{}+}}", come.join(" ")));
        }
        if !run.is_empty() {
            parts.push(run);
        }
        gone.clear();
        come.clear();
    };
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            flush(&mut parts, &mut gone, &mut come);
            parts.push(a[i].to_string());
            i += 1;
            j += 1;
        } else if j < b.len() && (i == a.len() || len[i * w + j + 1] >= len[(i + 1) * w + j]) {
            come.push(b[j]);
            j += 1;
        } else {
            gone.push(a[i]);
            i += 1;
        }
    }
    flush(&mut parts, &mut gone, &mut come);
    parts.join(" ")
}

/// Where a statement or entity was written, `FILE:LINE`, the file named
/// as `name` says (a side read from git is named `REV:PATH`).
fn place(graph: &Graph, origin: Origin, name: &dyn Fn(&str) -> String) -> String {
    format!(
        "{}:{}",
        name(&graph.files[origin.file as usize]),
        origin.line
    )
}

/// The attributes two statements (or entities) disagree on: key, old
/// value, new value (`None`: absent), in key order.
fn attribute_changes(
    old: &Graph,
    a: AttrsId,
    new: &Graph,
    b: AttrsId,
) -> Vec<(String, Option<Value>, Option<Value>)> {
    let mut keys: Vec<&str> = old
        .attrs(a)
        .iter()
        .map(|(k, _)| old.keys.name(*k))
        .chain(new.attrs(b).iter().map(|(k, _)| new.keys.name(*k)))
        .collect();
    keys.sort_unstable();
    keys.dedup();
    let get = |g: &Graph, id: AttrsId, key: &str| {
        g.attrs(id)
            .iter()
            .find(|(k, _)| g.keys.name(*k) == key)
            .map(|(_, v)| v.clone())
    };
    keys.into_iter()
        .filter_map(|key| {
            let (x, y) = (get(old, a, key), get(new, b, key));
            (x != y).then(|| (key.to_string(), x, y))
        })
        .collect()
}

/// One attribute's change in words: `key: OLD -> NEW`, a quote's as a
/// word diff.
fn change_line(key: &str, old: &Option<Value>, new: &Option<Value>) -> String {
    match (old, new) {
        (Some(Value::Str(a)), Some(Value::Str(b))) if key == "quote" => {
            format!("{key}: \"{}\"", word_diff(a, b))
        }
        (Some(a), Some(b)) => format!("{key}: {a} -> {b}"),
        (Some(a), None) => format!("{key}: {a} -> (none)"),
        (None, Some(b)) => format!("{key}: (none) -> {b}"),
        (None, None) => format!("{key}: (none)"),
    }
}

/// The diff for people: a line a change (`+` added, `-` removed, `~`
/// changed, with what changed indented below), then a summary.
pub fn text(
    d: &Diff,
    old: &Graph,
    new: &Graph,
    old_name: &dyn Fn(&str) -> String,
    new_name: &dyn Fn(&str) -> String,
) -> String {
    let mut lines: Vec<(String, String)> = Vec::new();
    for &n in &d.entities_added {
        lines.push((
            format!("+ {}", entity_text(new, n)),
            place(new, new.entity(n).origin, new_name),
        ));
    }
    for &n in &d.entities_removed {
        lines.push((
            format!("- {}", entity_text(old, n)),
            place(old, old.entity(n).origin, old_name),
        ));
    }
    let mut details: Vec<(usize, Vec<String>)> = Vec::new();
    for c in &d.entities_changed {
        let mut more = Vec::new();
        if c.kind {
            more.push(format!(
                "kind: {} -> {}",
                old.kind_name(c.old),
                new.kind_name(c.new)
            ));
        }
        if c.label {
            let l = |g: &Graph, n: NodeIndex| {
                g.label_of(g.entity(n)).map_or("(none)".to_string(), |l| {
                    let mut s = String::new();
                    crate::value::write_quoted(&mut s, l).expect("a String");
                    s
                })
            };
            more.push(format!("label: {} -> {}", l(old, c.old), l(new, c.new)));
        }
        if c.attributes {
            for (k, a, b) in
                attribute_changes(old, old.entity(c.old).attrs, new, new.entity(c.new).attrs)
            {
                more.push(change_line(&k, &a, &b));
            }
        }
        lines.push((
            format!("~ {}", entity_text(new, c.new)),
            place(new, new.entity(c.new).origin, new_name),
        ));
        details.push((lines.len() - 1, more));
    }
    for (t, at) in &d.declarations_added {
        lines.push((format!("+ {t}"), place(new, *at, new_name)));
    }
    for (t, at) in &d.declarations_removed {
        lines.push((format!("- {t}"), place(old, *at, old_name)));
    }
    for (a, b, at) in &d.declarations_changed {
        lines.push((format!("~ {b}"), place(new, *at, new_name)));
        details.push((lines.len() - 1, vec![format!("was: {a}")]));
    }
    for s in &d.added {
        lines.push((
            format!("+ {}", statement_text(new, s)),
            place(new, s.origin, new_name),
        ));
    }
    for s in &d.removed {
        lines.push((
            format!("- {}", statement_text(old, s)),
            place(old, s.origin, old_name),
        ));
    }
    for (a, b) in &d.changed {
        lines.push((
            format!("~ {}", claim_text(new, b)),
            format!(
                "{} -> {}",
                place(old, a.origin, old_name),
                place(new, b.origin, new_name)
            ),
        ));
        let more = attribute_changes(old, a.attrs, new, b.attrs)
            .iter()
            .map(|(k, x, y)| change_line(k, x, y))
            .collect();
        details.push((lines.len() - 1, more));
    }
    let mut out = String::new();
    let width = lines
        .iter()
        .map(|(l, _)| l.chars().count())
        .max()
        .unwrap_or(0)
        .min(72);
    let mut details = details.into_iter().peekable();
    for (i, (line, at)) in lines.iter().enumerate() {
        if at.is_empty() {
            out.push_str(line);
        } else {
            let pad = width.saturating_sub(line.chars().count());
            out.push_str(&format!("{line}{}  {at}", " ".repeat(pad)));
        }
        out.push('\n');
        if details.peek().is_some_and(|(j, _)| *j == i) {
            for more in details.next().expect("peeked").1 {
                out.push_str(&format!("    {more}\n"));
            }
        }
    }
    out.push_str(&summary(d));
    out.push('\n');
    out
}

/// `entities: 1 added; statements: 2 added, 1 changed`, or `no changes`.
pub fn summary(d: &Diff) -> String {
    let mut parts = Vec::new();
    for (what, counts) in [
        (
            "entities",
            [
                d.entities_added.len(),
                d.entities_removed.len(),
                d.entities_changed.len(),
            ],
        ),
        (
            "declarations",
            [
                d.declarations_added.len(),
                d.declarations_removed.len(),
                d.declarations_changed.len(),
            ],
        ),
        (
            "statements",
            [d.added.len(), d.removed.len(), d.changed.len()],
        ),
    ] {
        let said: Vec<String> = counts
            .iter()
            .zip(["added", "removed", "changed"])
            .filter(|(n, _)| **n > 0)
            .map(|(n, w)| format!("{n} {w}"))
            .collect();
        if !said.is_empty() {
            parts.push(format!("{what}: {}", said.join(", ")));
        }
    }
    if parts.is_empty() {
        "no changes".into()
    } else {
        parts.join("; ")
    }
}

fn statement_json(
    graph: &Graph,
    s: &Statement,
    name: &dyn Fn(&str) -> String,
) -> serde_json::Value {
    let mut v = json!({
        "subject": &*graph.entity(s.subject).name,
        "relation": graph.relations.name(s.relation),
    });
    if let Some(o) = s.object {
        v["object"] = json!(&*graph.entity(o).name);
    }
    v["attributes"] = attributes_json(graph, s.attrs);
    v["file"] = json!(name(&graph.files[s.origin.file as usize]));
    v["line"] = json!(s.origin.line);
    v["text"] = json!(statement_text(graph, s));
    v
}

fn attributes_json(graph: &Graph, attrs: AttrsId) -> serde_json::Value {
    let mut m = serde_json::Map::new();
    for (k, v) in graph.attrs(attrs) {
        m.insert(
            graph.keys.name(*k).to_string(),
            crate::output::json_value(v),
        );
    }
    serde_json::Value::Object(m)
}

fn entity_json(graph: &Graph, n: NodeIndex, name: &dyn Fn(&str) -> String) -> serde_json::Value {
    let e = graph.entity(n);
    json!({
        "name": &*e.name,
        "kind": graph.kind_name(n),
        "label": graph.label_of(e),
        "attributes": attributes_json(graph, e.attrs),
        "file": name(&graph.files[e.origin.file as usize]),
        "line": e.origin.line,
    })
}

fn declaration_json(
    graph: &Graph,
    text: &str,
    at: Origin,
    name: &dyn Fn(&str) -> String,
) -> serde_json::Value {
    json!({ "text": text, "file": name(&graph.files[at.file as usize]), "line": at.line })
}

fn value_json(v: &Option<Value>) -> serde_json::Value {
    v.as_ref()
        .map_or(serde_json::Value::Null, crate::output::json_value)
}

/// The diff for tools.
pub fn to_json(
    d: &Diff,
    old: &Graph,
    new: &Graph,
    old_name: &dyn Fn(&str) -> String,
    new_name: &dyn Fn(&str) -> String,
) -> serde_json::Value {
    let changes = |a: &Graph, x: AttrsId, b: &Graph, y: AttrsId| {
        attribute_changes(a, x, b, y)
            .iter()
            .map(|(k, o, n)| {
                let mut c = json!({ "key": k, "old": value_json(o), "new": value_json(n) });
                if let (Some(Value::Str(p)), Some(Value::Str(q))) = (o, n)
                    && k == "quote"
                {
                    c["word_diff"] = json!(word_diff(p, q));
                }
                c
            })
            .collect::<Vec<_>>()
    };
    json!({
        "equal": d.is_empty(),
        "entities": {
            "added": d.entities_added.iter().map(|n| entity_json(new, *n, new_name)).collect::<Vec<_>>(),
            "removed": d.entities_removed.iter().map(|n| entity_json(old, *n, old_name)).collect::<Vec<_>>(),
            "changed": d.entities_changed.iter().map(|c| json!({
                "old": entity_json(old, c.old, old_name),
                "new": entity_json(new, c.new, new_name),
                "attributes": changes(old, old.entity(c.old).attrs, new, new.entity(c.new).attrs),
            })).collect::<Vec<_>>(),
        },
        "declarations": {
            "added": d.declarations_added.iter().map(|(t, at)| declaration_json(new, t, *at, new_name)).collect::<Vec<_>>(),
            "removed": d.declarations_removed.iter().map(|(t, at)| declaration_json(old, t, *at, old_name)).collect::<Vec<_>>(),
            "changed": d.declarations_changed.iter().map(|(a, b, at)| {
                let mut v = declaration_json(new, b, *at, new_name);
                v["old"] = json!(a);
                v
            }).collect::<Vec<_>>(),
        },
        "statements": {
            "added": d.added.iter().map(|s| statement_json(new, s, new_name)).collect::<Vec<_>>(),
            "removed": d.removed.iter().map(|s| statement_json(old, s, old_name)).collect::<Vec<_>>(),
            "changed": d.changed.iter().map(|(a, b)| json!({
                "old": statement_json(old, a, old_name),
                "new": statement_json(new, b, new_name),
                "attributes": changes(old, a.attrs, new, b.attrs),
            })).collect::<Vec<_>>(),
        },
        "summary": summary(d),
    })
}

#[cfg(test)]
mod tests {
    use super::word_diff;

    #[test]
    fn words_removed_and_added_are_marked_as_git_marks_them() {
        assert_eq!(
            word_diff(
                "111 in favour and 19 against",
                "112 in favour and 19 against"
            ),
            "[-111-]{+112+} in favour and 19 against"
        );
        assert_eq!(word_diff("a b c", "a c"), "a [-b-] c");
        assert_eq!(word_diff("a c", "a b c"), "a {+b+} c");
        assert_eq!(word_diff("same", "same"), "same");
        assert_eq!(word_diff("", "new words"), "{+new words+}");
    }
}
