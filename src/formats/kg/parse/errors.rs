//! Syntax errors in users' words: what was expected, named as the
//! language reference names it, where, and a help line for the common
//! slips (an unclosed quote, a missing colon).

use super::*;

/// Turns a pest error into a diagnostic that names what was expected the
/// way a user writes it, never by rule name.
pub(super) fn syntax_error(
    file: FileId,
    offset: usize,
    line: &str,
    error: &pest::error::Error<Rule>,
) -> Diagnostic {
    if let Some(quote) = unclosed_quote(line) {
        return Diagnostic::at(file, Span::new(offset + quote, offset + quote + 1), "this string has no closing quote")
            .label("the string starts here")
            .help("a string ends with `\"` on the same line; write a line break as `\\n` and a quote as `\\\"`");
    }
    let (pos, mut expected) = expected_at(
        error,
        || RelationParser::parse(Rule::line, line).map(|_| ()),
        expected_name,
    );
    if expected.contains(&"a value") {
        // In a value's place, names and strings are values too.
        expected.retain(|e| !matches!(*e, "a name" | "a quoted string"));
    }
    expected.sort_by_key(|e| expected_rank(e));
    expected.dedup();

    let rest = &line[pos.min(line.len())..];
    let found_len = found_token_len(rest);
    let found = if rest.is_empty() || rest.starts_with('#') {
        "the end of the line".to_string()
    } else {
        format!("`{}`", &rest[..found_len])
    };
    if line[..pos.min(line.len())].trim().is_empty() {
        // Nothing parsed yet: every item starts with a name.
        expected = vec!["a name"];
    }
    let message = match expected.as_slice() {
        [] if rest.is_empty() || rest.starts_with('#') => "the line ends too soon".to_string(),
        [] => format!("unexpected {found}"),
        list => format!("expected {}, found {found}", join_or(list)),
    };
    let span = Span::new(offset + pos, offset + pos + found_len);
    let mut d = Diagnostic::at(file, span, message).label("unexpected here");
    if let Some(help) = syntax_help(line, pos) {
        d = d.help(help);
    }
    d
}

/// Where a parse failed and what could have come there, named by `name`
/// in users' words; `again` repeats the failed parse.
///
/// pest's own error names only rules, and only those started at the
/// furthest place a rule started; the detailed attempts also know the
/// literal tokens (`,` `}`) and where they were wanted. Details cost time,
/// so they are asked for only for an input that failed. The switch is
/// global to pest, so threads take turns: one thread turning it off while
/// another's detailed parse runs would cut that parse's details short. (A
/// plain parse that runs meanwhile is slower, not wrong.)
pub(crate) fn expected_at<R: pest::RuleType>(
    error: &pest::error::Error<R>,
    again: impl FnOnce() -> Result<(), pest::error::Error<R>>,
    name: impl Fn(R) -> Option<&'static str>,
) -> (usize, Vec<&'static str>) {
    static DETAIL: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let mut pos = match error.location {
        pest::error::InputLocation::Pos(p) => p,
        pest::error::InputLocation::Span((s, _)) => s,
    };
    let mut expected: Vec<&'static str> = Vec::new();
    let detailed = {
        let _turn = DETAIL
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        pest::set_error_detail(true);
        let detailed = again().err().and_then(|e| e.parse_attempts());
        pest::set_error_detail(false);
        detailed
    };
    if let pest::error::ErrorVariant::ParsingError { positives, .. } = &error.variant {
        expected.extend(positives.iter().filter_map(|r| name(*r)));
    }
    if let Some(attempts) = detailed {
        if attempts.max_position > pos {
            // Only literal tokens were wanted further on.
            pos = attempts.max_position;
            expected.clear();
        }
        for token in attempts.expected_tokens() {
            // One-character tokens may be ranges in a grammar (`,..,`).
            match token.to_string().as_str() {
                "," | ",..," => expected.push("`,`"),
                "}" | "}..}" => expected.push("`}`"),
                "{" | "{..{" => expected.push("`{`"),
                ":" | ":..:" => expected.push("`:`"),
                _ => {}
            }
        }
    }
    (pos, expected)
}

/// What a rule means to a user, when it is something they could write next.
pub(super) fn expected_name(rule: Rule) -> Option<&'static str> {
    Some(match rule {
        Rule::colon => "`:`",
        Rule::arrow => "`->` or `<->`",
        Rule::inverse => "`:` or `inverse`",
        Rule::kinds => "a kind",
        Rule::kind => "a kind",
        Rule::label => "a label in quotes",
        Rule::predicate => "a relation name",
        Rule::ident | Rule::string => "a name",
        Rule::attrs => "`{`",
        Rule::attr | Rule::key => "an attribute name",
        Rule::number => "a value",
        Rule::EOI => "the end of the line",
        _ => return None,
    })
}

pub(super) fn expected_rank(e: &str) -> usize {
    const ORDER: [&str; 12] = [
        "a name",
        "`:`",
        "a relation name",
        "a kind",
        "a label in quotes",
        "`{`",
        "an attribute name",
        "a value",
        "a quoted string",
        "`,`",
        "`}`",
        "the end of the line",
    ];
    ORDER.iter().position(|o| *o == e).unwrap_or(ORDER.len())
}

/// The length of the token that starts `rest`: a word, a string, or one
/// character.
pub(super) fn found_token_len(rest: &str) -> usize {
    let Some(first) = rest.chars().next() else {
        return 0;
    };
    if first.is_alphanumeric() || first == '_' {
        rest.find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-' || c == '.'))
            .unwrap_or(rest.len())
    } else {
        first.len_utf8()
    }
}

/// Where a string opens that the line never closes.
pub(crate) fn unclosed_quote(line: &str) -> Option<usize> {
    let mut open = None;
    let mut escaped = false;
    for (i, c) in line.char_indices() {
        match (open, c) {
            (None, '#') => return None,
            (None, '"') => open = Some(i),
            (Some(_), _) if escaped => escaped = false,
            (Some(_), '\\') => escaped = true,
            (Some(_), '"') => open = None,
            _ => {}
        }
    }
    open
}

/// A hint for the common slips.
pub(super) fn syntax_help(line: &str, pos: usize) -> Option<String> {
    let rest = &line[pos.min(line.len())..];
    let before = &line[..pos.min(line.len())];
    if rest.is_empty() && before.split_whitespace().count() == 1 {
        return Some(
            "a declaration is `NAME: KIND`; a statement is `SUBJECT RELATION [OBJECT]`".into(),
        );
    }
    if line.trim_start().starts_with("relation ") && !before.contains('{') {
        return Some(
            "a relation declaration is `relation NAME: KINDS -> KINDS [transitive]`, `relation NAME: KINDS <-> KINDS` or `relation NAME inverse OTHER`".into(),
        );
    }
    if rest.starts_with('\'') {
        return Some("strings use double quotes: \"like this\"".into());
    }
    if rest.starts_with(|c: char| c.is_whitespace() || c.is_alphanumeric() || c == '_')
        && !before.contains('{')
        && before.split_whitespace().count() >= 3
    {
        return Some("a statement is `SUBJECT RELATION [OBJECT] [{attributes}]`; quote names that contain spaces".into());
    }
    if before.contains('{') && !before.contains('}') {
        return Some("attributes are written `{key: value, key: value}`".into());
    }
    None
}

pub(super) fn join_or(list: &[&str]) -> String {
    match list {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}
