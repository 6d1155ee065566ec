//! `.help`: every query form and meta-command with an example, and a
//! form's example answered on the bundled graph.

use super::meta::COMMANDS;
use crate::graph::Graph;

/// The topics of `.help TOPIC`.
pub const HELP_TOPICS: [&str; 10] = [
    "queries",
    "neighbours",
    "path",
    "paths",
    "patterns",
    "count",
    "show",
    "find",
    "commands",
    "keys",
];

/// The text of `.help` and `.help TOPIC`.
pub fn help(topic: Option<&str>) -> String {
    let forms = [
        (
            "neighbours",
            "neighbours NAME [out|in|both] [via REL,...] [depth N]",
            "neighbours North_Korea out",
        ),
        ("path", "path A [->] B [via REL,...]", "path China -> ICC"),
        (
            "paths",
            "paths A [->] B [via REL,...] [max N] [limit K]",
            "paths North_Korea -> ICC max 3",
        ),
        (
            "patterns",
            "CLAUSE, CLAUSE... [where CONDITION and ...]",
            "?s permanent_member_of Security_Council {veto: ?v}",
        ),
        ("count", "count PATTERN", "count ?x: person"),
        ("show", "show NAME", "show Choe_Myong-nam"),
        (
            "find",
            "find TEXT [in labels|quotes|attributes] [limit N]",
            "find \"choe myong nam\"",
        ),
    ];
    let mut out = String::new();
    match topic {
        None | Some("queries" | "commands") => {
            out.push_str("Queries (.help TOPIC for more):\n");
            for (_, syntax, example) in forms {
                out.push_str(&format!("  {syntax:<52} e.g. {example}\n"));
            }
            out.push_str("\nCommands:\n");
            for (command, args, what, _) in COMMANDS {
                out.push_str(&format!("  {:<24} {what}\n", format!("{command} {args}")));
            }
            out.push_str("\nKeys: Tab completes names, relations and commands; Ctrl-C cancels a line or a running query;\nCtrl-D on an empty line leaves. A line ending in `,` or with an open quote, brace or parenthesis goes on.\n.help COMMAND or .help FORM shows one with an example.\n");
        }
        Some("patterns") => out.push_str(
            "Patterns are statements with ?variables, clauses joined by `,`:\n\
             \x20 ?s member_of Security_Council         relations (the relation may be a variable: China ?rel ?x)\n\
             \x20 ?s abstains_on_referral               facts (?x ?flag lists them all)\n\
             \x20 ?s: state                             entities of a kind\n\
             \x20 ?x adopted ?r {date: ?d}              binds an attribute; {veto: true} requires one\n\
             \x20 ... where ?d >= 2014-01-01 and ?n > 3 compares values: = != < <= > >=\n\
             The answer has a column per variable and distinct, sorted rows.\n",
        ),
        Some("keys") => out.push_str(
            "Tab         complete a command, query word, entity, relation, kind or file\n\
             Ctrl-C      clear the line, or cancel a running query\n\
             Ctrl-D      leave (on an empty line)\n\
             Up, Down    walk the history (kept in $DOSSIER_HISTORY or ~/.local/state/dossier/history)\n\
             Ctrl-R      search the history\n",
        ),
        Some(t) => match forms.iter().find(|(name, _, _)| *name == t || (t == "neighbors" && *name == "neighbours")) {
            Some((_, syntax, example)) => {
                out.push_str(&format!("{syntax}\n  e.g. {example}\n{}", form_help(t)));
                out.push_str(&format!("\nOn the bundled graph, `{example}` gives:\n{}", real_answer(example)));
            }
            None => match COMMANDS
                .iter()
                .find(|c| c.0 == t || c.0.strip_prefix('.') == Some(t))
                .or_else(|| COMMANDS.iter().find(|c| c.0.trim_start_matches(['.', ':', '\\']) == t))
            {
                Some((command, args, what, example)) => {
                    out.push_str(&format!("{command} {args}\n  {what}\n  e.g. {example}\n"))
                }
                None => out.push_str(&format!("no help on `{t}`; topics: {}\n", HELP_TOPICS.join(", "))),
            },
        },
    }
    out
}

/// `example`'s answer on the bundled graph, computed, as a table.
fn real_answer(example: &str) -> String {
    let graph =
        match Graph::from_inputs(&crate::load::inputs(&[]), crate::build::Options::default()) {
            Ok(graph) => graph,
            Err(_) => return String::new(),
        };
    let query = crate::query::parse_query(0, 0, example).expect("help's examples parse");
    let answer = crate::query::eval::evaluate(&graph, 0, &query).expect("help's examples run");
    let mut out = Vec::new();
    let _ = crate::output::write(
        &mut out,
        &graph,
        &answer,
        crate::output::Format::Table,
        query.why,
    );
    String::from_utf8_lossy(&out).into_owned()
}

fn form_help(topic: &str) -> &'static str {
    match topic {
        "neighbours" | "neighbors" => {
            "  out: NAME is the subject; in: NAME is the object; both (the default).\n  At depth 1, a row per statement; deeper, each entity once at its smallest depth.\n"
        }
        "path" => {
            "  A shortest path; `->` follows statements forward only. -[r]-> reads forward, <-[r]- backward.\n"
        }
        "paths" => {
            "  Every simple path of at most N hops (default 3), shortest first, at most K (default 100).\n"
        }
        "count" => "  The number of distinct rows of a pattern.\n",
        "show" => "  An entity's kind, label, attributes, facts and where it was declared.\n",
        "find" => {
            "  Entities whose names or labels have TEXT's words (case, accents and punctuation aside), best first:\n  score 4 the same words, 3 starting so, 2 every word somewhere, 1 close spellings (a letter off;\n  words of four letters or more, without digits).\n  `in quotes` finds statements by their quotes, `in attributes` by their other attributes.\n  @\"LABEL\" names an entity by its label anywhere a name goes: path @\"North Korea\" @\"Russia\".\n"
        }
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn help_covers_every_form_and_command() {
        let all = help(None);
        for word in [
            "neighbours",
            "path",
            "paths",
            "count",
            "show",
            "find",
            ".labels",
            ".load",
            ".reload",
            ".mode",
            ".timer",
            ".stats",
            ".schema",
            ".quit",
        ] {
            assert!(all.contains(word), "{word}");
        }
        assert!(help(Some("paths")).contains("e.g. paths"));
        assert!(help(Some("load")).starts_with(".load FILE..."));
        assert!(help(Some("paths")).contains("On the bundled graph"));
        for (command, _, _, example) in COMMANDS {
            let topic = command.trim_start_matches('.');
            assert!(
                help(Some(topic)).contains(&format!("e.g. {example}")),
                "{command}"
            );
        }
        assert!(help(Some("nonsense")).starts_with("no help on"));
    }
}
