//! Parsing: pest pairs to the AST. The only module that matches on `Rule`.
//!
//! Lines are independent: a file is parsed in batches of whole lines
//! (`parse_lines`), which a caller can parse in any order or in parallel.
//! A batch with a syntax error is parsed again line by line (`parse_line`),
//! so that one bad line doesn't hide the errors of the next.

use crate::ast::{Attr, Declaration, Item, Span, Statement, Text, Value};
use crate::diagnostic::{Diagnostic, FileId};
use crate::syntax::{RelationParser, Rule};
use crate::value::Date;
use pest::Parser;
use pest::iterators::Pair;
use std::borrow::Cow;

mod declarations;
mod errors;
use errors::syntax_error;
pub(crate) use errors::{expected_at, unclosed_quote};

/// Parses one line (without its line ending) whose first byte is at
/// `offset` in file `file`. `Ok(None)` for a blank or comment-only line.
pub fn parse_line(
    file: FileId,
    offset: usize,
    line: &str,
) -> Result<Option<Item<'_>>, Box<Diagnostic>> {
    let pairs = match RelationParser::parse(Rule::line, line) {
        Ok(pairs) => pairs,
        Err(error) => return Err(Box::new(syntax_error(file, offset, line, &error))),
    };
    let ctx = Ctx { file, offset };
    let mut inner = pairs
        .into_iter()
        .next()
        .expect("`line` always yields one pair")
        .into_inner();
    match inner.next() {
        Some(p) if p.as_rule() == Rule::include => {
            let path = p.into_inner().next().expect("include has a path");
            Ok(Some(Item::Include(ctx.text(path)?)))
        }
        Some(p) if p.as_rule() == Rule::relation_declaration => ctx.relation(p).map(Some),
        Some(p) if p.as_rule() == Rule::with_line => ctx.with(p).map(Some),
        Some(p) if p.as_rule() != Rule::EOI => {
            let name = ctx.text(p)?;
            let rest = inner
                .next()
                .expect("a name is followed by a declaration or a statement");
            ctx.item(name, rest).map(Some)
        }
        _ => Ok(None),
    }
}

/// The size of a batch of lines given to pest at once, in bytes: large
/// enough to spread the cost of a call, small enough that pest's tokens
/// (about 40 bytes each) stay in the cache.
const BATCH: usize = 64 * 1024;

/// Parses a whole file's text in batches of lines, calling `each` with the
/// 0-based line number and what it says, for every line that is not blank.
pub fn parse_text<'s>(file: FileId, text: &'s str, mut each: impl FnMut(usize, PResult<Item<'s>>)) {
    for batch in batches(text) {
        parse_lines(file, batch.offset, batch.text, |number, item| {
            each(batch.first_line + number, item)
        });
    }
}

/// A run of whole lines of a text.
#[derive(Debug, Clone, Copy)]
pub struct Batch<'s> {
    pub text: &'s str,
    /// Where it starts in the whole text, in bytes.
    pub offset: usize,
    /// The 0-based number of its first line.
    pub first_line: usize,
}

/// A text cut into batches of whole lines of about `BATCH` bytes.
pub fn batches(text: &str) -> impl Iterator<Item = Batch<'_>> {
    let mut start = 0;
    let mut first_line = 0;
    std::iter::from_fn(move || {
        if start >= text.len() {
            return None;
        }
        let end = batch_end(text.as_bytes(), start);
        let batch = Batch {
            text: &text[start..end],
            offset: start,
            first_line,
        };
        first_line += memchr_count(batch.text.as_bytes()) + 1;
        start = end + 1;
        Some(batch)
    })
}

/// Where the batch of lines that starts at `start` ends: at the last line
/// end within `BATCH` bytes, or after the one line if it is longer.
fn batch_end(text: &[u8], start: usize) -> usize {
    let limit = (start + BATCH).min(text.len());
    if limit == text.len() {
        return limit;
    }
    match text[start..limit].iter().rposition(|&b| b == b'\n') {
        Some(i) => start + i,
        None => text[limit..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(text.len(), |i| limit + i),
    }
}

/// Parses whole lines (`text` starts at a line's start, at byte `offset`
/// of file `file`), calling `each` with the 0-based number of the line
/// within `text` and what it says, for every line that is not blank.
pub fn parse_lines<'s>(
    file: FileId,
    offset: usize,
    text: &'s str,
    mut each: impl FnMut(usize, PResult<Item<'s>>),
) {
    let Ok(pairs) = RelationParser::parse(Rule::lines, text) else {
        let mut start = 0;
        for (number, line) in text.split('\n').enumerate() {
            let content = line.strip_suffix('\r').unwrap_or(line);
            match parse_line(file, offset + start, content) {
                Ok(Some(item)) => each(number, Ok(item)),
                Ok(None) => {}
                Err(e) => each(number, Err(e)),
            }
            start += line.len() + 1;
        }
        return;
    };
    let ctx = Ctx { file, offset };
    let mut inner = pairs
        .into_iter()
        .next()
        .expect("`lines` always yields one pair")
        .into_inner();
    // Line numbers: count line ends between one item and the next.
    let (mut number, mut counted) = (0, 0);
    while let Some(p) = inner.next() {
        let start = p.as_span().start();
        number += memchr_count(&text.as_bytes()[counted..start]);
        counted = start;
        match p.as_rule() {
            Rule::EOI => break,
            Rule::include => {
                let path = p.into_inner().next().expect("include has a path");
                each(number, ctx.text(path).map(Item::Include));
            }
            Rule::relation_declaration => each(number, ctx.relation(p)),
            Rule::with_line => each(number, ctx.with(p)),
            _ => {
                let rest = inner
                    .next()
                    .expect("a name is followed by a declaration or a statement");
                each(number, ctx.text(p).and_then(|name| ctx.item(name, rest)));
            }
        }
    }
}

fn memchr_count(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b == b'\n').count()
}

/// Parse errors are boxed: they are rare, and a small `Ok` keeps the
/// common path fast.
pub type PResult<T> = Result<T, Box<Diagnostic>>;

struct Ctx {
    file: FileId,
    offset: usize,
}

impl Ctx {
    fn span(&self, pair: &Pair<'_, Rule>) -> Span {
        let s = pair.as_span();
        Span::new(self.offset + s.start(), self.offset + s.end())
    }

    /// `with {attrs}`.
    fn with<'s>(&self, pair: Pair<'s, Rule>) -> PResult<Item<'s>> {
        let attrs = pair.into_inner().next().expect("with has attributes");
        Ok(Item::With(self.attrs(attrs)?))
    }

    /// A declaration or statement, given the name it starts with.
    fn item<'s>(&self, name: Text<'s>, pair: Pair<'s, Rule>) -> PResult<Item<'s>> {
        let span = Span::new(name.span.start, self.span(&pair).end);
        let rule = pair.as_rule();
        let mut inner = pair.into_inner();
        if rule == Rule::declaration {
            inner.next(); // the colon
            let kind = self.text(inner.next().expect("declaration has a kind"))?;
            let mut label = None;
            let mut attrs = Vec::new();
            for p in inner {
                match p.as_rule() {
                    Rule::label => label = Some(self.text(p)?),
                    _ => attrs = self.attrs(p)?,
                }
            }
            return Ok(Item::Declaration(Declaration {
                name,
                kind,
                label,
                attrs,
            }));
        }
        let predicate = self.text(inner.next().expect("statement has a predicate"))?;
        let mut object = None;
        let mut attrs = Vec::new();
        for p in inner {
            match p.as_rule() {
                Rule::attrs => attrs = self.attrs(p)?,
                _ => object = Some(self.text(p)?),
            }
        }
        Ok(Item::Statement(Statement {
            subject: name,
            predicate,
            object,
            attrs,
            span,
        }))
    }

    /// An identifier (borrowed) or a string (decoded).
    fn text<'s>(&self, pair: Pair<'s, Rule>) -> PResult<Text<'s>> {
        let span = self.span(&pair);
        let label = pair.as_rule() == Rule::label;
        let text = if matches!(pair.as_rule(), Rule::string | Rule::label) {
            self.unescape(pair.as_str(), span.start)?
        } else if pair.as_rule() == Rule::predicate && pair.as_str().starts_with('`') {
            crate::value::unquote_relation(pair.as_str())
        } else {
            Cow::Borrowed(pair.as_str())
        };
        // Names compare in normal form C; a label is kept as written.
        let text = if label { text } else { crate::name::nfc(text) };
        Ok(Text { text, span })
    }

    fn attrs<'s>(&self, pair: Pair<'s, Rule>) -> PResult<Vec<Attr<'s>>> {
        let mut attrs: Vec<Attr<'s>> = Vec::new();
        // Keys seen, by text: a look-up once a set is long (a search of
        // the set is quicker for the few keys sets usually have).
        let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
        for attr in pair.into_inner() {
            let mut inner = attr.into_inner();
            let key = self.text(inner.next().expect("attribute has a key"))?;
            inner.next(); // the colon
            let value_pair = inner.next().expect("attribute has a value");
            let value_span = self.span(&value_pair);
            let value = self.value(value_pair)?;
            let earlier = if attrs.len() < 16 {
                attrs.iter().position(|a| a.key.text == key.text)
            } else {
                if seen.is_empty() {
                    seen.extend(
                        attrs
                            .iter()
                            .enumerate()
                            .map(|(i, a)| (a.key.text.to_string(), i)),
                    );
                }
                let earlier = seen.get(&*key.text).copied();
                seen.entry(key.text.to_string()).or_insert(attrs.len());
                earlier
            };
            if let Some(first) = earlier.map(|i| &attrs[i]) {
                return Err(Box::new(
                    Diagnostic::at(
                        self.file,
                        key.span,
                        format!("attribute `{}` is given twice", key.text),
                    )
                    .label("given again here")
                    .also(self.file, first.key.span, "first given here")
                    .help("give each attribute once; for two values, write two statements"),
                ));
            }
            attrs.push(Attr {
                key,
                value,
                value_span,
            });
        }
        Ok(attrs)
    }

    fn value<'s>(&self, pair: Pair<'s, Rule>) -> PResult<Value<'s>> {
        let span = self.span(&pair);
        let s = pair.as_str();
        match pair.as_rule() {
            Rule::number => number(self.file, s, span),
            Rule::string => Ok(Value::Str(unescape(self.file, s, span.start)?)),
            _ => Ok(word(s)),
        }
    }

    fn unescape<'s>(&self, quoted: &'s str, start: usize) -> PResult<Cow<'s, str>> {
        unescape(self.file, quoted, start)
    }
}

/// A bare word as a value: `true`, `false`, or a name.
pub(crate) fn word(s: &str) -> Value<'_> {
    match s {
        "true" => Value::Bool(true),
        "false" => Value::Bool(false),
        _ => Value::Name(Cow::Borrowed(s)),
    }
}

/// A number as the grammar's `number` rule reads it: an integer, a
/// decimal, or a date, told apart by its shape.
pub(crate) fn number(file: FileId, s: &str, span: Span) -> PResult<Value<'_>> {
    Ok(if s.len() == 10 && s.as_bytes()[4] == b'-' {
        Value::Date(Date::parse(s).ok_or_else(|| {
            Diagnostic::at(file, span, format!("`{s}` is not a calendar date"))
                .label("no such day")
                .help("dates are written YYYY-MM-DD, with a month from 01 to 12 and a day that exists in that month")
        })?)
    } else if s.contains('.') {
        let d: f64 = s
            .parse()
            .map_err(|_| Diagnostic::at(file, span, format!("`{s}` is not a decimal number")))?;
        if !d.is_finite() {
            return Err(Box::new(
                Diagnostic::at(file, span, "this decimal is out of range")
                    .label("too large for a decimal")
                    .help("decimals are 64-bit floating point, up to about 1.8e308; write a larger number as a string"),
            ));
        }
        Value::Dec(d)
    } else if s[1..].contains('-') {
        return Err(Box::new(
            Diagnostic::at(file, span, format!("`{s}` is not a date"))
                .label("not YYYY-MM-DD")
                .help("dates are written YYYY-MM-DD, with a four-digit year"),
        ));
    } else {
        Value::Int(s.parse().map_err(|_| {
            Diagnostic::at(file, span, format!("integer `{s}` is too large"))
                .label("out of range")
                .help("integers range from -9223372036854775808 to 9223372036854775807; write larger numbers as decimals or strings")
        })?)
    })
}

/// Decodes a quoted string literal (quotes included) that starts at
/// byte `start` of the file.
pub(crate) fn unescape(file: FileId, quoted: &str, start: usize) -> PResult<Cow<'_, str>> {
    let body = &quoted[1..quoted.len() - 1];
    if !body.contains('\\') {
        return Ok(Cow::Borrowed(body));
    }
    let mut out = String::with_capacity(body.len());
    let mut chars = body.char_indices();
    while let Some((i, c)) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let at = start + 1 + i;
        let bad = |len: usize, what: String| {
            Box::new(
                Diagnostic::at(file, Span::new(at, at + len), what)
                    .label("in this escape")
                    .help(r#"the escapes are \" \\ \n \t and \u{...} with 1 to 6 hex digits"#),
            )
        };
        match chars.next() {
            Some((_, '"')) => out.push('"'),
            Some((_, '\\')) => out.push('\\'),
            Some((_, 'n')) => out.push('\n'),
            Some((_, 't')) => out.push('\t'),
            Some((_, 'u')) => {
                let rest = &body[i + 2..];
                let close = rest.find('}');
                let (Some(close), true) = (close, rest.starts_with('{')) else {
                    return Err(bad(
                        2,
                        "`\\u` must be followed by a code point in braces, like `\\u{e9}`".into(),
                    ));
                };
                let hex = &rest[1..close];
                // Hex digits only: `from_str_radix` would take a sign.
                let code = ((1..=6).contains(&hex.len())
                    && hex.bytes().all(|b| b.is_ascii_hexdigit()))
                .then(|| u32::from_str_radix(hex, 16).ok())
                .flatten();
                match code.and_then(char::from_u32) {
                    Some(c) => out.push(c),
                    None => {
                        return Err(bad(
                            close + 3,
                            format!("`\\u{{{hex}}}` is not a Unicode character"),
                        ));
                    }
                }
                for _ in 0..close + 1 {
                    chars.next();
                }
            }
            Some((_, other)) => {
                return Err(bad(
                    1 + other.len_utf8(),
                    format!("unknown escape `\\{other}`"),
                ));
            }
            None => unreachable!("the grammar pairs every backslash with a character"),
        }
    }
    Ok(Cow::Owned(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(line: &str) -> Item<'_> {
        parse_line(0, 0, line)
            .unwrap_or_else(|e| panic!("{line:?}: {e:?}"))
            .expect("an item")
    }

    fn error(line: &str) -> Diagnostic {
        *parse_line(0, 0, line).expect_err(line)
    }

    #[test]
    fn blank_and_comment_lines_are_empty() {
        for line in ["", "   ", "\t", "# a comment", "   # indented comment"] {
            assert_eq!(parse_line(0, 0, line).unwrap(), None, "{line:?}");
        }
    }

    #[test]
    fn declarations() {
        // (line, name, kind, label, attribute count)
        let table: &[(&str, &str, &str, Option<&str>, usize)] = &[
            ("North_Korea: state", "North_Korea", "state", None, 0),
            (
                "North_Korea: state \"North Korea\"",
                "North_Korea",
                "state",
                Some("North Korea"),
                0,
            ),
            (
                "North_Korea : state \"North Korea\" {capital: \"Pyongyang\"}",
                "North_Korea",
                "state",
                Some("North Korea"),
                1,
            ),
            ("\"North Korea\": state", "North Korea", "state", None, 0),
            (
                "ICC: body {founded: 2002-07-01, seat: The_Hague,}",
                "ICC",
                "body",
                None,
                2,
            ),
            ("Café: place # trailing comment", "Café", "place", None, 0),
            (
                "Choe_Myong-nam: person \"Choe Myong-nam\"",
                "Choe_Myong-nam",
                "person",
                Some("Choe Myong-nam"),
                0,
            ),
        ];
        for &(line, name, kind, label, attrs) in table {
            let Item::Declaration(d) = item(line) else {
                panic!("{line}: not a declaration")
            };
            assert_eq!(d.name.text, name, "{line}");
            assert_eq!(d.kind.text, kind, "{line}");
            assert_eq!(d.label.as_ref().map(|l| l.text.as_ref()), label, "{line}");
            assert_eq!(d.attrs.len(), attrs, "{line}");
        }
    }

    #[test]
    fn statements() {
        // (line, subject, predicate, object, attribute count)
        let table: &[(&str, &str, &str, Option<&str>, usize)] = &[
            (
                "China permanent_member_of Security_Council",
                "China",
                "permanent_member_of",
                Some("Security_Council"),
                0,
            ),
            (
                "China permanent_member_of Security_Council {veto: true}",
                "China",
                "permanent_member_of",
                Some("Security_Council"),
                1,
            ),
            (
                "China abstains_on_referral",
                "China",
                "abstains_on_referral",
                None,
                0,
            ),
            (
                "China abstains_on_referral {votes: 1}",
                "China",
                "abstains_on_referral",
                None,
                1,
            ),
            (
                "\"North Korea\" borders China",
                "North Korea",
                "borders",
                Some("China"),
                0,
            ),
            ("A r \"B \\\"C\\\"\"", "A", "r", Some("B \"C\""), 0),
            ("A\tr\tB", "A", "r", Some("B"), 0),
            ("include_me r B", "include_me", "r", Some("B"), 0),
        ];
        for &(line, s, p, o, attrs) in table {
            let Item::Statement(st) = item(line) else {
                panic!("{line}: not a statement")
            };
            assert_eq!(st.subject.text, s, "{line}");
            assert_eq!(st.predicate.text, p, "{line}");
            assert_eq!(st.object.as_ref().map(|o| o.text.as_ref()), o, "{line}");
            assert_eq!(st.attrs.len(), attrs, "{line}");
        }
    }

    #[test]
    fn values_keep_their_type() {
        let line = r#"A r B {i: -42, d: 3.5, s: "x\ty", t: 2014-11-18, b: false, n: Pyongyang, u: "\u{e9}"}"#;
        let Item::Statement(st) = item(line) else {
            panic!()
        };
        let values: Vec<_> = st.attrs.iter().map(|a| a.value.clone()).collect();
        assert_eq!(
            values,
            vec![
                Value::Int(-42),
                Value::Dec(3.5),
                Value::Str("x\ty".into()),
                Value::Date(Date::new(2014, 11, 18).unwrap()),
                Value::Bool(false),
                Value::Name("Pyongyang".into()),
                Value::Str("é".into()),
            ]
        );
    }

    #[test]
    fn include_lines() {
        let Item::Include(path) = item(r#"include "world.kg""#) else {
            panic!()
        };
        assert_eq!(path.text, "world.kg");
    }

    #[test]
    fn spans_are_file_offsets() {
        let Item::Statement(st) = parse_line(0, 100, "A r B").unwrap().unwrap() else {
            panic!()
        };
        assert_eq!(st.object.unwrap().span, Span::new(104, 105));
        assert_eq!(st.span, Span::new(100, 105));
    }

    #[test]
    fn syntax_errors_name_what_was_expected() {
        // (line, message, caret column, caret length)
        let table: &[(&str, &str, usize, usize)] = &[
            ("A: ", "expected a kind, found the end of the line", 3, 0),
            ("A", "expected `:`, found the end of the line", 1, 0),
            (
                "A r B C",
                "expected `{` or the end of the line, found `C`",
                6,
                1,
            ),
            ("A r B {x 1}", "expected `:`, found `1`", 9, 1),
            ("A r B {x: }", "expected a value, found `}`", 10, 1),
            (
                "A r B {x: 1",
                "expected `,` or `}`, found the end of the line",
                11,
                0,
            ),
            ("A r \"B", "this string has no closing quote", 4, 1),
            (
                "A r B {q: \"x\\\"}",
                "this string has no closing quote",
                10,
                1,
            ),
            (
                "A: state 'x'",
                "expected a label in quotes, `{` or the end of the line, found `'`",
                9,
                1,
            ),
            ("{x: 1}", "expected a name, found `{`", 0, 1),
            ("  ,", "expected a name, found `,`", 2, 1),
        ];
        for &(line, message, col, len) in table {
            let d = error(line);
            assert_eq!(d.message, message, "{line}");
            let span = d.place.unwrap().span;
            assert_eq!((span.start, span.end - span.start), (col, len), "{line}");
        }
    }

    #[test]
    fn value_errors() {
        assert_eq!(
            error("A r B {d: 2014-02-30}").message,
            "`2014-02-30` is not a calendar date"
        );
        assert_eq!(
            error("A r B {i: 99999999999999999999}").message,
            "integer `99999999999999999999` is too large"
        );
        assert_eq!(error(r#"A r "\q""#).message, "unknown escape `\\q`");
        assert_eq!(
            error(r#"A r "\u{110000}""#).message,
            "`\\u{110000}` is not a Unicode character"
        );
        assert_eq!(
            error("A r B {x: 1, x: 2}").message,
            "attribute `x` is given twice"
        );
    }
}
