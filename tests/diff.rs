//! `dossier diff` (issue 21): what changed between two versions as claims
//! and evidence, for files, folders and git revisions, as git's diff
//! driver in a real repository, and in `.reload -v`; golden cases in
//! `tests/diffs/NAME/` (`old.kg`, `new.kg`, `diff.out`, `diff.json`;
//! `BLESS=1` rewrites them); a property that a diff is empty only between
//! equal graphs and, applied to the old graph's claims, gives the new one's.

mod common;
use common::*;
use std::path::Path;
use std::process::Command;

#[test]
fn diff_cases_match_their_golden_files() {
    let cases = case_dirs("diffs");
    assert!(!cases.is_empty());
    let mut failures = Vec::new();
    for case in &cases {
        for (args, file) in [
            (vec!["diff", "old.kg", "new.kg"], "diff.out"),
            (vec!["diff", "old.kg", "new.kg", "--json"], "diff.json"),
        ] {
            let out = dossier_in(case, &args, None);
            assert_eq!(
                out.status.code(),
                Some(1),
                "{}: {}",
                case.display(),
                stderr(&out)
            );
            if let Err(e) = golden(&case.join(file), &stdout(&out)) {
                failures.push(e);
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_golden_diff_says_each_kind_of_change() {
    let dir = root().join("tests/diffs/votes");
    let out = dossier_in(&dir, &["diff", "old.kg", "new.kg", "--json"], None);
    let doc: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(doc["equal"], false);
    let names = |list: &serde_json::Value, key: &str| -> Vec<String> {
        list.as_array()
            .unwrap()
            .iter()
            .map(|v| v.pointer(key).unwrap().as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(names(&doc["entities"]["added"], "/name"), ["Wire"]);
    assert_eq!(names(&doc["entities"]["removed"], "/name"), ["Cuba"]);
    assert_eq!(
        names(&doc["entities"]["changed"], "/new/name"),
        ["China", "Russia", "Security_Council"]
    );
    assert_eq!(
        doc["declarations"]["added"][0]["text"],
        "relation permanent_member_of: state -> body"
    );
    // Moved lines are no change: `Resolution asks Security_Council` and
    // `Russia voted_against Resolution` moved and are nowhere.
    let text = stdout(&dossier_in(&dir, &["diff", "old.kg", "new.kg"], None));
    assert!(!text.contains("asks"), "{text}");
    assert!(!text.contains("Russia voted_against"), "{text}");
    // The changed quote, as git's word diff, and the vote given a date.
    let changed = doc["statements"]["changed"].as_array().unwrap();
    assert_eq!(changed.len(), 2);
    assert_eq!(
        changed[0]["attributes"][0]["word_diff"],
        "111 in favour, 19 against and 55 [-abstentions-]{+abstaining+}"
    );
    assert_eq!(changed[0]["old"]["line"], 9);
    assert_eq!(changed[0]["new"]["line"], 13);
    assert_eq!(changed[1]["attributes"][0]["key"], "date");
    assert_eq!(changed[1]["attributes"][0]["old"], serde_json::Value::Null);
    assert_eq!(changed[1]["attributes"][0]["new"], "2014-11-18");
    // A second statement of a claim that exists is an addition, not a change.
    let added = names(&doc["statements"]["added"], "/text");
    assert_eq!(
        added,
        [
            "HRC adopted Resolution {in_favour: 112, source: Wire}",
            "North_Korea threatens_nuclear_tests {source: Wire}"
        ]
    );
    assert_eq!(
        names(&doc["statements"]["removed"], "/text"),
        ["Cuba voted_against Resolution"]
    );
}

#[test]
fn exit_status_is_zero_when_equal_one_when_different_two_on_error() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::write(p.join("a.kg"), "A r B {w: 1}\nC r D\nA flagged\n").unwrap();
    // The same statements in another order, with other spacing and comments.
    std::fs::write(
        p.join("b.kg"),
        "# moved\nA flagged\nC r D\nA  r  B {w: 1}\n",
    )
    .unwrap();
    std::fs::write(p.join("c.kg"), "A r B {w: 2}\nC r D\nA flagged\n").unwrap();
    std::fs::write(p.join("bad.kg"), "A r B {w: }\n").unwrap();
    let out = dossier_in(p, &["diff", "a.kg", "b.kg"], None);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "no changes\n");
    let out = dossier_in(p, &["diff", "a.kg", "b.kg", "--json"], None);
    assert_eq!(out.status.code(), Some(0));
    let doc: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(doc["equal"], true);
    let out = dossier_in(p, &["diff", "a.kg", "c.kg"], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("    w: 1 -> 2\n"), "{}", stdout(&out));
    // Errors: a file that is not there, a file that does not parse (with
    // its place), a revision that is not there, one side only.
    for (args, says) in [
        (vec!["diff", "a.kg", "none.kg"], "cannot read `none.kg`"),
        (vec!["diff", "bad.kg", "a.kg"], "bad.kg:1:"),
        (vec!["diff", "NOREV:a.kg", "a.kg"], "NOREV:a.kg"),
        (vec!["diff", "a.kg"], "diff takes OLD and NEW"),
        (vec!["diff", "--git", "a", "b"], "7 arguments"),
    ] {
        let out = dossier_in(p, &args, None);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(stderr(&out).contains(says), "{args:?}: {}", stderr(&out));
        assert!(!stderr(&out).contains("panicked"));
    }
    // /dev/null is nothing, as git passes it for an added file.
    let out = dossier_in(p, &["diff", "/dev/null", "a.kg", "--json"], None);
    assert_eq!(out.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(doc["statements"]["added"].as_array().unwrap().len(), 3);
}

#[test]
fn a_folder_is_every_kg_file_under_it_with_its_includes() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    for (file, text) in [
        ("old/a.kg", "A r B\n"),
        ("old/deep/b.kg", "include \"../../included/c.inc\"\nB r C\n"),
        ("new/b.kg", "B r C\nA r B\n"),
        (
            "new/deep/deeper/c.kg",
            "include \"../../../included/c.inc\"\nC r D\n",
        ),
        ("included/c.inc", "X r Y\n"),
        ("new/notes.txt", "not a relation file\n"),
    ] {
        std::fs::create_dir_all(p.join(file).parent().unwrap()).unwrap();
        std::fs::write(p.join(file), text).unwrap();
    }
    let out = dossier_in(p, &["diff", "old", "new", "--json"], None);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let doc: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let added = doc["statements"]["added"].as_array().unwrap();
    assert_eq!(added.len(), 1, "{doc}");
    assert_eq!(added[0]["text"], "C r D");
    assert_eq!(added[0]["file"], "new/deep/deeper/c.kg");
    assert!(doc["statements"]["removed"].as_array().unwrap().is_empty());
}

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .current_dir(dir)
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .env("GIT_PAGER", "cat")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// A repository with two commits of `data/g.kg`, which includes a file and
/// cites a document that both change too.
fn repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    git(p, &["init", "-q"]);
    git(p, &["config", "user.email", "test@example.org"]);
    git(p, &["config", "user.name", "Test"]);
    std::fs::create_dir_all(p.join("data/sub")).unwrap();
    std::fs::write(p.join("data/doc.txt"), "The committee voted 111 to 19.\n").unwrap();
    std::fs::write(
        p.join("data/g.kg"),
        "include \"sub/more.kg\"\nArticle: source \"A\" {file: \"doc.txt\"}\nHRC adopted Res {source: Article, quote: \"voted 111 to 19\"}\n",
    )
    .unwrap();
    std::fs::write(p.join("data/sub/more.kg"), "China voted_against Res\n").unwrap();
    git(p, &["add", "."]);
    git(p, &["commit", "-qm", "first"]);
    std::fs::write(p.join("data/doc.txt"), "The committee voted 112 to 19.\n").unwrap();
    std::fs::write(
        p.join("data/g.kg"),
        "include \"sub/more.kg\"\nArticle: source \"A\" {file: \"doc.txt\"}\nHRC adopted Res {source: Article, quote: \"voted 112 to 19\"}\n",
    )
    .unwrap();
    std::fs::write(p.join("data/sub/more.kg"), "China voted_for Res\n").unwrap();
    git(p, &["commit", "-qam", "second"]);
    dir
}

#[test]
fn a_side_can_be_a_file_of_a_git_revision_with_its_includes_as_they_were() {
    let repo = repository();
    let p = repo.path();
    let out = dossier_in(p, &["diff", "HEAD~1:data/g.kg", "data/g.kg"], None);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    // The include is read from the revision too: its vote changed.
    assert!(text.contains("- China voted_against Res"), "{text}");
    assert!(text.contains("HEAD~1:data/sub/more.kg:1"), "{text}");
    assert!(text.contains("+ China voted_for Res"), "{text}");
    assert!(
        text.contains("quote: \"voted [-111-]{+112+} to 19\""),
        "{text}"
    );
    // Two revisions, and a path from here (`./`) inside a folder.
    let out = dossier_in(p, &["diff", "HEAD~1:data/g.kg", "HEAD:data/g.kg"], None);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stdout(&out),
        text.replace("  data/", "  HEAD:data/")
            .replace("> data/", "> HEAD:data/")
    );
    let out = dossier_in(&p.join("data"), &["diff", "HEAD:./g.kg", "g.kg"], None);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // A revision's folder.
    let out = dossier_in(p, &["diff", "HEAD~1:data", "data", "--json"], None);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let doc: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(
        doc["statements"]["removed"][0]["file"],
        "HEAD~1:data/sub/more.kg"
    );
}

#[test]
fn git_diff_shows_claims_through_the_diff_driver() {
    let repo = repository();
    let p = repo.path();
    let binary = env!("CARGO_BIN_EXE_dossier");
    git(
        p,
        &[
            "config",
            "diff.dossier.command",
            &format!("{binary} diff --git"),
        ],
    );
    std::fs::write(p.join(".gitattributes"), "*.kg diff=dossier\n").unwrap();
    std::fs::write(
        p.join("data/sub/more.kg"),
        "China voted_for Res {date: 2014-11-18}\n",
    )
    .unwrap();
    let shown = git(p, &["diff"]);
    assert!(
        shown.contains("dossier diff a/data/sub/more.kg b/data/sub/more.kg"),
        "{shown}"
    );
    assert!(shown.contains("~ China voted_for Res"), "{shown}");
    assert!(shown.contains("    date: (none) -> 2014-11-18"), "{shown}");
    assert!(shown.contains("statements: 1 changed"), "{shown}");
    // Between commits, and for a file added: git passes /dev/null.
    let shown = git(p, &["diff", "HEAD~1", "HEAD", "--", "data/sub/more.kg"]);
    assert!(shown.contains("- China voted_against Res"), "{shown}");
    std::fs::write(p.join("data/new.kg"), "Wire: source \"W\"\n").unwrap();
    git(p, &["add", "data/new.kg"]);
    let shown = git(p, &["diff", "--cached"]);
    assert!(shown.contains("+ Wire: source \"W\""), "{shown}");
    // A side that does not load is shown as its error, and git goes on.
    std::fs::write(p.join("data/new.kg"), "Wire: source {\n").unwrap();
    let shown = git(p, &["diff"]);
    assert!(shown.contains("error:"), "{shown}");
    // Without the driver, git shows lines as ever.
    let shown = git(
        p,
        &[
            "diff",
            "--no-ext-diff",
            "HEAD~1",
            "HEAD",
            "--",
            "data/sub/more.kg",
        ],
    );
    assert!(shown.contains("-China voted_against Res"), "{shown}");
}

#[test]
fn reload_v_prints_each_change() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::write(p.join("g.kg"), "A r B {n: 1}\nA r C\n").unwrap();
    std::fs::write(p.join("h.kg"), "A r C\nA r B {n: 2}\n").unwrap();
    let out = dossier_in(
        p,
        &[
            "g.kg",
            "-c",
            ".shell cp h.kg g.kg",
            "-c",
            ".reload -v",
            "-c",
            ".reload",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "~ A r B  g.kg:1 -> g.kg:2\n    n: 1 -> 2\n");
    assert_eq!(
        stderr(&out),
        "reloaded: ~1 relation\nreloaded: no changes\n"
    );
}

mod property {
    use dossier::build::{Input, Options};
    use dossier::graph::Graph;
    use proptest::prelude::*;

    fn graph(text: &str) -> Graph {
        let input = Input::Text {
            name: "g.kg".into(),
            text: text.into(),
        };
        Graph::from_inputs(&[input], Options::default()).unwrap()
    }

    /// A graph's claims as text, attributes by key: its entities, and its
    /// statements as a sorted multiset.
    fn attrs(g: &Graph, id: u32) -> String {
        let mut list: Vec<String> = g
            .attrs(id)
            .iter()
            .map(|(k, v)| format!("{}={v}", g.keys.name(*k)))
            .collect();
        list.sort();
        list.join(",")
    }

    fn entity(g: &Graph, n: petgraph::graph::NodeIndex) -> (String, String) {
        let e = g.entity(n);
        (
            e.name.to_string(),
            format!(
                "{} {:?} {}",
                g.kind_name(n),
                g.label_of(e),
                attrs(g, e.attrs)
            ),
        )
    }

    fn statement(g: &Graph, s: &dossier::diff::Statement) -> String {
        format!(
            "{} {} {:?} {}",
            g.entity(s.subject).name,
            g.relations.name(s.relation),
            s.object.map(|o| g.entity(o).name.to_string()),
            attrs(g, s.attrs)
        )
    }

    type Claims = (std::collections::BTreeMap<String, String>, Vec<String>);

    fn claims(g: &Graph) -> Claims {
        let entities = g.entities().map(|(n, _)| entity(g, n)).collect();
        let mut statements: Vec<String> = dossier::diff::statements(g)
            .iter()
            .map(|s| statement(g, s))
            .collect();
        statements.sort();
        (entities, statements)
    }

    /// A's claims with the diff from A to B applied.
    fn apply(a: &Graph, b: &Graph, d: &dossier::diff::Diff) -> Claims {
        let (mut entities, mut statements) = claims(a);
        for n in &d.entities_removed {
            entities.remove(&*a.entity(*n).name);
        }
        for n in d
            .entities_added
            .iter()
            .chain(d.entities_changed.iter().map(|c| &c.new))
        {
            let (name, what) = entity(b, *n);
            entities.insert(name, what);
        }
        let mut remove = |s: String| {
            let i = statements
                .iter()
                .position(|x| *x == s)
                .expect("a removed statement was there");
            statements.remove(i);
        };
        for s in &d.removed {
            remove(statement(a, s));
        }
        for (old, _) in &d.changed {
            remove(statement(a, old));
        }
        statements.extend(d.added.iter().map(|s| statement(b, s)));
        statements.extend(d.changed.iter().map(|(_, new)| statement(b, new)));
        statements.sort();
        (entities, statements)
    }

    /// Lines of a small relation file: statements, facts and declarations
    /// over few names, so that versions share and change claims.
    fn line() -> impl Strategy<Value = String> {
        let name = prop::sample::select(vec!["A", "B", "C", "D"]);
        let relation = prop::sample::select(vec!["r", "s"]);
        let attrs = prop::option::of((0..3u8, prop::sample::select(vec!["w", "quote"])));
        prop_oneof![
            (name.clone(), relation, name.clone(), attrs.clone()).prop_map(|(a, r, b, at)| {
                match at {
                    Some((v, "quote")) => {
                        format!("{a} {r} {b} {{quote: \"word {v} here\"}}")
                    }
                    Some((v, k)) => format!("{a} {r} {b} {{{k}: {v}}}"),
                    None => format!("{a} {r} {b}"),
                }
            }),
            (name.clone(), attrs).prop_map(|(a, at)| match at {
                Some((v, _)) => format!("{a} flagged {{level: {v}}}"),
                None => format!("{a} flagged"),
            }),
            (
                name,
                prop::sample::select(vec!["state", "body"]),
                prop::option::of(0..2u8)
            )
                .prop_map(|(a, k, l)| match l {
                    Some(l) => format!("{a}: {k} \"label {l}\""),
                    None => format!("{a}: {k}"),
                }),
        ]
    }

    /// Lines that load: a name declared again with another kind or label
    /// is an error, so only the first declaration of each name is kept.
    fn file(lines: Vec<String>) -> String {
        let mut declared = std::collections::HashSet::new();
        let mut out = String::new();
        for l in lines {
            if let Some((name, _)) = l.split_once(": ")
                && !declared.insert(name.to_string())
            {
                continue;
            }
            out.push_str(&l);
            out.push('\n');
        }
        out
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        #[test]
        fn diff_of_a_graph_with_itself_is_empty_and_a_diff_applied_gives_the_new_claims(
            a in prop::collection::vec(line(), 0..12),
            b in prop::collection::vec(line(), 0..12),
        ) {
            let (a, b) = (graph(&file(a)), graph(&file(b)));
            prop_assert!(dossier::diff::diff(&a, &a).is_empty());
            let d = dossier::diff::diff(&a, &b);
            prop_assert_eq!(d.is_empty(), claims(&a) == claims(&b));
            prop_assert_eq!(apply(&a, &b, &d), claims(&b));
        }
    }
}
