//! The shell's line editing: completion, hints and knowing when a query
//! goes on to the next line.

use crate::graph::Graph;
use crate::session::meta::COMMANDS;
use crate::value::{is_identifier, write_name};
use rustyline::completion::{Completer, FilenameCompleter, Pair};
use rustyline::highlight::Highlighter;
use rustyline::hint::Hinter;
use rustyline::validate::Validator;
use rustyline::{Context, Helper};
use std::borrow::Cow;

/// The words the shell can complete, sorted for prefix look-ups.
#[derive(Debug, Default, Clone)]
pub struct Vocabulary {
    pub names: Vec<String>,
    pub relations: Vec<String>,
    pub kinds: Vec<String>,
    pub keys: Vec<String>,
    /// Labels, lower-cased for look-ups: (lower case, label, name), sorted.
    pub labels: Vec<(String, String, String)>,
}

impl Vocabulary {
    pub fn of(graph: &Graph) -> Vocabulary {
        let sorted = |mut v: Vec<String>| {
            v.sort();
            v.dedup();
            v
        };
        Vocabulary {
            names: sorted(graph.entities().map(|(_, e)| e.name.to_string()).collect()),
            relations: sorted(graph.relations.iter().map(|(_, r)| r.to_string()).collect()),
            kinds: sorted(graph.kinds.iter().map(|(_, k)| k.to_string()).collect()),
            keys: sorted(graph.keys.iter().map(|(_, k)| k.to_string()).collect()),
            labels: {
                let mut labels: Vec<(String, String, String)> = graph
                    .entities()
                    .filter_map(|(_, e)| {
                        let l = graph.label_of(e)?;
                        Some((l.to_lowercase(), l.to_string(), e.name.to_string()))
                    })
                    .collect();
                labels.sort();
                labels
            },
        }
    }
}

/// At most this many candidates are offered for one Tab.
const MAX_CANDIDATES: usize = 1000;

/// The first words of a line besides meta-commands: the query forms'
/// keywords, and the shell's own.
fn first_words() -> impl Iterator<Item = &'static str> {
    crate::query::eval::KEYWORDS
        .into_iter()
        .chain(["help", "quit", "exit"])
}

/// The words of `sorted` that start with `prefix`.
fn starting_with<'v>(sorted: &'v [String], prefix: &str) -> &'v [String] {
    let start = sorted.partition_point(|w| w.as_str() < prefix);
    let len = sorted[start..]
        .iter()
        .take_while(|w| w.starts_with(prefix))
        .count();
    &sorted[start..start + len]
}

fn pairs<'a>(words: impl IntoIterator<Item = &'a str>, prefix: &str) -> Vec<Pair> {
    words
        .into_iter()
        .filter(|w| w.starts_with(prefix))
        .map(|w| Pair {
            display: w.to_string(),
            replacement: w.to_string(),
        })
        .collect()
}

/// Relation names for a word being typed, bare or after an opening
/// backtick; those that are no identifiers in backticks (`` `has part` ``).
fn relation_pairs(vocabulary: &Vocabulary, word: &str) -> Vec<Pair> {
    let prefix = word.strip_prefix('`').unwrap_or(word);
    vocabulary
        .relations
        .iter()
        .filter(|r| r.starts_with(prefix))
        .map(|r| Pair {
            display: r.clone(),
            replacement: crate::value::relation_text(r),
        })
        .collect()
}

/// Entity names for a word being typed: bare, or after an opening quote.
/// Names that need quotes get them.
fn name_pairs(vocabulary: &Vocabulary, word: &str) -> Vec<Pair> {
    let (prefix, quoted) = match word.strip_prefix('"') {
        Some(rest) => (rest, true),
        None => (word, false),
    };
    // Names are held in normal form C; so is what is typed, to match.
    let prefix = crate::name::nfc(std::borrow::Cow::Borrowed(prefix));
    starting_with(&vocabulary.names, &prefix)
        .iter()
        .take(MAX_CANDIDATES)
        .map(|name| {
            let replacement = if quoted || !is_identifier(name) {
                let mut s = String::new();
                write_name(&mut s, name).expect("writing to a String");
                if !s.starts_with('"') {
                    s = format!("\"{s}\"");
                }
                s
            } else {
                name.clone()
            };
            Pair {
                display: name.clone(),
                replacement,
            }
        })
        .collect()
}

/// The labels that start with `prefix`, ignoring case.
fn labels_starting<'v>(vocabulary: &'v Vocabulary, prefix: &str) -> &'v [(String, String, String)] {
    let prefix = prefix.to_lowercase();
    let all = &vocabulary.labels;
    let start = all.partition_point(|l| l.0.as_str() < prefix.as_str());
    let len = all[start..]
        .iter()
        .take_while(|l| l.0.starts_with(&prefix))
        .count();
    &all[start..start + len]
}

/// Labels for `@"...` being typed: shown with the name, replaced quoted.
fn label_pairs(vocabulary: &Vocabulary, word: &str) -> Vec<Pair> {
    let prefix = word.strip_prefix('"').unwrap_or(word);
    let mut seen = std::collections::BTreeSet::new();
    labels_starting(vocabulary, prefix)
        .iter()
        .filter(|l| seen.insert(l.1.clone()))
        .take(MAX_CANDIDATES)
        .map(|(_, label, name)| {
            let mut replacement = String::new();
            crate::value::write_quoted(&mut replacement, label).expect("writing to a String");
            Pair {
                display: format!("{label}  ({name})"),
                replacement,
            }
        })
        .collect()
}

/// Where the word under the cursor starts: after white space or
/// punctuation, or at an opening quote that is not closed yet.
fn word_start(before: &str) -> usize {
    let mut open = None;
    let mut escaped = false;
    for (i, c) in before.char_indices() {
        match (open, c) {
            (Some(_), _) if escaped => escaped = false,
            (Some((_, '"')), '\\') => escaped = true,
            (Some((_, q)), c) if c == q => open = None,
            (None, '"' | '`') => open = Some((i, c)),
            _ => {}
        }
    }
    if let Some((i, _)) = open {
        return i;
    }
    before
        .rfind(|c: char| c.is_whitespace() || ",{}():".contains(c))
        .map_or(0, |i| i + 1)
}

/// The tokens before the word under the cursor: words, quoted names, and
/// the punctuation `,` `{` `}` `:`.
fn tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
        } else if ",{}:".contains(c) {
            out.push(c.to_string());
            chars.next();
        } else if c == '"' {
            let mut s = String::from('"');
            chars.next();
            while let Some(c) = chars.next() {
                s.push(c);
                if c == '\\' {
                    if let Some(n) = chars.next() {
                        s.push(n);
                    }
                } else if c == '"' {
                    break;
                }
            }
            out.push(s);
        } else if c == '`' {
            // A relation in backticks, a backtick doubled inside.
            let mut s = String::from('`');
            chars.next();
            while let Some(c) = chars.next() {
                s.push(c);
                if c == '`' {
                    if chars.peek() == Some(&'`') {
                        s.push('`');
                        chars.next();
                    } else {
                        break;
                    }
                }
            }
            out.push(s);
        } else {
            let mut s = String::new();
            while let Some(&c) = chars.peek() {
                if c.is_whitespace() || ",{}:\"`".contains(c) {
                    break;
                }
                s.push(c);
                chars.next();
            }
            out.push(s);
        }
    }
    out
}

/// Completion candidates for the line up to the cursor: where the word
/// starts and what it may become.
pub fn complete(vocabulary: &Vocabulary, line: &str, pos: usize) -> (usize, Vec<Pair>) {
    let before = &line[..pos];
    let start = word_start(before);
    let word = &before[start..];
    let previous = tokens(&before[..start]);
    let last = previous.last().map(String::as_str);
    // `@"Nor` completes labels, wherever a name goes.
    if word.starts_with('"') && before[..start].ends_with('@') {
        return (start, label_pairs(vocabulary, word));
    }
    let candidates = match previous.first().map(String::as_str) {
        None if word.starts_with('.') => pairs(
            COMMANDS.iter().map(|c| c.0).filter(|c| c.starts_with('.')),
            word,
        ),
        None => {
            let mut c = pairs(first_words(), word);
            c.extend(name_pairs(vocabulary, word));
            c
        }
        Some(".mode") => pairs(super::meta::MODES.iter().map(|m| m.0), word),
        Some(".timer" | ".headers" | ".labels" | ".bail" | ".echo" | ".pager") => {
            pairs(["on", "off"], word)
        }
        Some(".param") if previous.len() == 1 => pairs(["set", "unset", "list", "clear"], word),
        Some(".help") => pairs(crate::session::help::HELP_TOPICS, word),
        Some(".export") if previous.len() == 1 => pairs(
            [
                "dot", "svg", "png", "json", "kg", "graphml", "ntriples", "cypher", "kuzu", "csv",
                "snapshot",
            ],
            word,
        ),
        Some(command) if command.starts_with('.') => Vec::new(),
        _ if last == Some("via") || (last == Some(",") && previous.iter().any(|t| t == "via")) => {
            relation_pairs(vocabulary, word)
        }
        Some("neighbours" | "neighbors") if previous.len() >= 2 => {
            pairs(["out", "in", "both", "via", "depth"], word)
        }
        Some("path" | "paths") if previous.iter().filter(|t| is_term(t)).count() >= 3 => {
            pairs(["via", "max", "limit"], word)
        }
        Some("neighbours" | "neighbors" | "path" | "paths" | "show") => {
            name_pairs(vocabulary, word)
        }
        Some("find") if last == Some("in") => pairs(crate::query::find::Place::NAMES, word),
        Some("find") if previous.len() >= 2 => pairs(["in", "limit"], word),
        Some("find") => Vec::new(),
        _ => pattern_candidates(vocabulary, &previous, word),
    };
    (start, candidates)
}

fn is_term(token: &str) -> bool {
    !matches!(token, "," | "{" | "}" | ":" | "->")
}

/// Candidates inside a pattern: which place of its clause the word is in.
fn pattern_candidates(vocabulary: &Vocabulary, previous: &[String], word: &str) -> Vec<Pair> {
    if previous.iter().any(|t| t == "where") {
        return pairs(["and"], word);
    }
    let open_brace = previous.iter().rposition(|t| t == "{");
    let close_brace = previous.iter().rposition(|t| t == "}");
    if open_brace.is_some_and(|o| close_brace.is_none_or(|c| c < o)) {
        // Inside `{...}`: keys after `{` or `,`, values after `:`.
        return match previous.last().map(String::as_str) {
            Some("{" | ",") => pairs(vocabulary.keys.iter().map(String::as_str), word),
            _ => Vec::new(),
        };
    }
    if previous.last().is_some_and(|t| t == ":") {
        return pairs(vocabulary.kinds.iter().map(String::as_str), word);
    }
    // The place in the current clause: terms since the last `,` (after
    // `count`, if the pattern starts with it).
    let clause_start = previous.iter().rposition(|t| t == ",").map_or(0, |i| i + 1);
    let mut clause: Vec<&String> = previous[clause_start..].iter().collect();
    if clause_start == 0 && clause.first().is_some_and(|t| *t == "count") {
        clause.remove(0);
    }
    match clause.len() {
        1 => relation_pairs(vocabulary, word),
        0 | 2 => name_pairs(vocabulary, word),
        _ => pairs(["where"], word),
    }
}

/// A hint: what Right or End inserts, and a note shown after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShellHint {
    pub completion: String,
    shown: String,
}

impl rustyline::hint::Hint for ShellHint {
    fn display(&self) -> &str {
        &self.shown
    }

    fn completion(&self) -> Option<&str> {
        Some(&self.completion)
    }
}

/// The rest of the one entity name that the word at the end of the line
/// begins, if exactly one does; after `@"`, the rest of the one label, the
/// name it labels shown beside it.
pub fn hint(vocabulary: &Vocabulary, line: &str, pos: usize) -> Option<ShellHint> {
    if pos < line.len() || line.trim_start().starts_with('.') {
        return None;
    }
    let start = word_start(line);
    let word = &line[start..];
    let (prefix, quoted) = match word.strip_prefix('"') {
        Some(rest) => (rest, true),
        None => (word, false),
    };
    if prefix.is_empty() {
        return None;
    }
    if quoted && line[..start].ends_with('@') {
        let labels = labels_starting(vocabulary, prefix);
        let (_, label, name) = labels.first()?;
        if labels.iter().any(|l| l.1 != *label) || label.len() <= prefix.len() {
            return None;
        }
        let mut rest = String::new();
        crate::value::write_quoted(&mut rest, label).expect("writing to a String");
        // The rest of the label as written, escapes included, and its quote.
        let written = &rest[1..];
        let completion = written.get(prefix.len()..)?.to_string();
        let names = if labels.len() == 1 {
            name.clone()
        } else {
            format!("{} entities", labels.len())
        };
        return Some(ShellHint {
            shown: format!("{completion}  \u{2192} {names}"),
            completion,
        });
    }
    let prefix = crate::name::nfc(std::borrow::Cow::Borrowed(prefix));
    let prefix = &*prefix;
    match starting_with(&vocabulary.names, prefix) {
        [only] if only.len() > prefix.len() && (quoted || is_identifier(only)) => {
            let rest = &only[prefix.len()..];
            let completion = if quoted {
                format!("{rest}\"")
            } else {
                rest.to_string()
            };
            Some(ShellHint {
                shown: completion.clone(),
                completion,
            })
        }
        _ => None,
    }
}

/// The rustyline helper: completion, hints and their colour.
pub struct ShellHelper {
    pub vocabulary: Vocabulary,
    files: FilenameCompleter,
    color: bool,
}

impl ShellHelper {
    pub fn new(vocabulary: Vocabulary, color: bool) -> ShellHelper {
        ShellHelper {
            vocabulary,
            files: FilenameCompleter::new(),
            color,
        }
    }
}

impl Completer for ShellHelper {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        ctx: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        let trimmed = line.trim_start();
        // A file name after `.load`, or after `.export FORMAT`.
        let before = &line[..pos];
        let previous = tokens(&before[..word_start(before)]);
        let export_file = previous.len() == 2 && previous[0] == ".export";
        if trimmed.starts_with(".load ") || export_file {
            return self.files.complete(line, pos, ctx);
        }
        Ok(complete(&self.vocabulary, line, pos))
    }
}

impl Hinter for ShellHelper {
    type Hint = ShellHint;

    fn hint(&self, line: &str, pos: usize, _ctx: &Context<'_>) -> Option<ShellHint> {
        hint(&self.vocabulary, line, pos)
    }
}

impl Highlighter for ShellHelper {
    fn highlight_hint<'h>(&self, hint: &'h str) -> Cow<'h, str> {
        if self.color {
            Cow::Owned(format!("\x1b[2m{hint}\x1b[0m"))
        } else {
            Cow::Borrowed(hint)
        }
    }
}

// Multi-line input is the shell's own (it shows a continuation prompt),
// so rustyline's validator accepts every line.
impl Validator for ShellHelper {}

impl Helper for ShellHelper {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::incomplete;

    fn vocabulary() -> Vocabulary {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect();
        Vocabulary {
            names: s(&[
                "China",
                "Chinese Taipei",
                "Choe_Myong-nam",
                "North_Korea",
                "Russia",
                "Security_Council",
            ]),
            relations: s(&[
                "has part",
                "member_of",
                "may_refer_to",
                "permanent_member_of",
            ]),
            kinds: s(&["body", "person", "state"]),
            keys: s(&["quote", "veto"]),
            labels: vec![
                (
                    "north korea".into(),
                    "North Korea".into(),
                    "North_Korea".into(),
                ),
                (
                    "united nations security council".into(),
                    "United Nations Security Council".into(),
                    "Security_Council".into(),
                ),
                (
                    "united states".into(),
                    "United States".into(),
                    "United_States".into(),
                ),
            ],
        }
    }

    fn replacements(line: &str) -> (usize, Vec<String>) {
        let (start, c) = complete(&vocabulary(), line, line.len());
        (start, c.into_iter().map(|p| p.replacement).collect())
    }

    #[test]
    fn completion_by_place() {
        let table: &[(&str, usize, &[&str])] = &[
            (".lo", 0, &[".load"]),
            (".mode j", 6, &["json", "jsonl"]),
            (".headers o", 9, &["on", "off"]),
            (".param s", 7, &["set"]),
            (".timer o", 7, &["on", "off"]),
            (".help pa", 6, &["path", "paths", "patterns"]),
            ("neigh", 0, &["neighbours", "neighbors"]),
            ("Ch", 0, &["China", "\"Chinese Taipei\"", "Choe_Myong-nam"]),
            ("neighbours Nor", 11, &["North_Korea"]),
            ("neighbours China o", 17, &["out"]),
            ("neighbours China via m", 21, &["member_of", "may_refer_to"]),
            (
                "neighbours China via member_of,p",
                31,
                &["permanent_member_of"],
            ),
            ("path China R", 11, &["Russia"]),
            ("path China Russia v", 18, &["via"]),
            ("show \"Chinese T", 5, &["\"Chinese Taipei\""]),
            ("?s perm", 3, &["permanent_member_of"]),
            ("?s member_of Sec", 13, &["Security_Council"]),
            ("?s member_of ?b, ?b m", 20, &["member_of", "may_refer_to"]),
            ("?s: st", 4, &["state"]),
            ("?s member_of ?b {v", 17, &["veto"]),
            ("count ?s m", 9, &["member_of", "may_refer_to"]),
            ("?s ha", 3, &["`has part`"]),
            ("?s `has p", 3, &["`has part`"]),
            ("neighbours China via `h", 21, &["`has part`"]),
            ("show @\"nor", 6, &["\"North Korea\""]),
            (
                "path @\"North Korea\" @\"Uni",
                21,
                &["\"United Nations Security Council\"", "\"United States\""],
            ),
            ("fi", 0, &["find"]),
            ("find korea ", 11, &["in", "limit"]),
            ("find korea in q", 14, &["quotes"]),
        ];
        for (line, start, want) in table {
            let (s, got) = replacements(line);
            assert_eq!(
                (s, got.iter().map(String::as_str).collect::<Vec<_>>()),
                (*start, want.to_vec()),
                "{line}"
            );
        }
    }

    #[test]
    fn hints_show_the_rest_of_a_unique_name() {
        let v = vocabulary();
        let hint =
            |v: &Vocabulary, line: &str, pos: usize| hint(v, line, pos).map(|h| h.completion);
        let shown = super::hint(&v, "show @\"north", 13).expect("one label starts so");
        assert_eq!(shown.completion, " Korea\"");
        assert_eq!(
            rustyline::hint::Hint::display(&shown),
            " Korea\"  \u{2192} North_Korea"
        );
        assert_eq!(hint(&v, "show @\"united", 14), None, "two labels start so");
        assert_eq!(hint(&v, "neighbours Nor", 14), Some("th_Korea".into()));
        assert_eq!(hint(&v, "show \"Chinese", 13), Some(" Taipei\"".into()));
        assert_eq!(
            hint(&v, "neighbours Ch", 13),
            None,
            "three names start with Ch"
        );
        assert_eq!(
            hint(&v, "neighbours North_Korea", 22),
            None,
            "already whole"
        );
        assert_eq!(hint(&v, "neighbours Nor", 3), None, "cursor not at the end");
    }

    #[test]
    fn the_validator_wants_more_for_unfinished_queries() {
        for text in [
            "?s member_of ?b,",
            "?s member_of ?b {veto:",
            "show \"North",
            "?x r ?y {q: \"a \\\" b",
            "?b part_of ?p, # which bodies",
            "?b part_of ?p, # a \" in a comment opens no string",
        ] {
            assert!(incomplete(text), "{text}");
        }
        for text in [
            "neighbours China",
            "?s member_of ?b {veto: true}",
            "show \"North Korea\"",
            ".load a,",
            "?x r ?y {q: \"}\"}",
            "?b part_of ?p # ends here,",
            "?b part_of ?p # {",
            "?b part_of ?p, # which\n?p part_of United_Nations",
        ] {
            assert!(!incomplete(text), "{text}");
        }
    }
}
