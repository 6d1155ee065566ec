//! Query parsing: pest pairs to the query AST.

use super::ast::{
    AttrTerm, Clause, Condition, Direction, Name, Op, Operand, PathExpr, Pattern, Predicate, Query,
    QueryLine, Term,
};
use crate::ast::Span;
use crate::diagnostic::{Diagnostic, FileId};
use crate::parse::{PResult, expected_at, number, unescape, word};
use crate::syntax::{QueryParser, QueryRule as Rule};
use crate::value::Value;
use pest::Parser;
use pest::iterators::Pair;

/// The defaults of the query forms.
pub const DEFAULT_DEPTH: u32 = 1;
pub const DEFAULT_MAX: u32 = 3;
pub const DEFAULT_LIMIT: u32 = 100;
/// How deep parentheses may nest in a query: its parse and the path
/// expression's compilation recurse a level a parenthesis.
pub const MAX_NESTING: usize = 100;

/// Where the parentheses of `text` (outside strings and comments) first
/// nest deeper than [`MAX_NESTING`]. A `"` in a comment opens no string.
fn too_deep(text: &str) -> Option<usize> {
    let (mut depth, mut quoted, mut escaped, mut comment) = (0usize, false, false, false);
    for (i, c) in text.char_indices() {
        match c {
            '\n' if comment => comment = false,
            _ if comment => {}
            _ if escaped => escaped = false,
            '#' if !quoted => comment = true,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            '(' if !quoted => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Some(i);
                }
            }
            ')' if !quoted => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// The most hops `paths ... max N` may ask for: its search goes one level
/// of recursion a hop, and this bound keeps that far from the stack's end.
pub const MAX_HOPS: u32 = 1000;

/// Query parameters by name (without the `$`): `--param who=China`.
pub type Params = std::collections::BTreeMap<String, Value>;

/// Parses one query whose text starts at byte `offset` of file `file`.
pub fn parse_query(file: FileId, offset: usize, text: &str) -> PResult<QueryLine> {
    parse_query_with(file, offset, text, &Params::new())
}

/// Parses one query, its `$parameters` taken from `params`.
pub fn parse_query_with(
    file: FileId,
    offset: usize,
    text: &str,
    params: &Params,
) -> PResult<QueryLine> {
    if let Some(at) = too_deep(text) {
        return Err(Box::new(
            Diagnostic::at(
                file,
                Span::new(offset + at, offset + at + 1),
                format!("parentheses nest more than {MAX_NESTING} deep"),
            )
            .label("too deep here")
            .help("write the path expression with fewer levels of parentheses"),
        ));
    }
    let pairs = QueryParser::parse(Rule::query, text)
        .map_err(|e| Box::new(syntax_error(file, offset, text, &e)))?;
    let ctx = Ctx {
        file,
        offset,
        params,
    };
    let query = pairs.into_iter().next().expect("`query` yields one pair");
    let mut why = false;
    let mut as_of = None;
    let mut form = None;
    for part in query.into_inner() {
        match part.as_rule() {
            Rule::as_of => {
                let date = part
                    .into_inner()
                    .find(|p| p.as_rule() == Rule::number)
                    .expect("as of has a date");
                let span = ctx.span(&date);
                match number(file, date.as_str(), span)? {
                    crate::ast::Value::Date(d) => as_of = Some(d),
                    _ => {
                        return Err(Box::new(
                            Diagnostic::at(
                                file,
                                span,
                                format!("`{}` is not a date", date.as_str()),
                            )
                            .label("not YYYY-MM-DD")
                            .help("write the date as YYYY-MM-DD, like `as of 2014-12-01`"),
                        ));
                    }
                }
            }
            Rule::why => why = true,
            Rule::EOI => {}
            _ => form = Some(ctx.query(part)?),
        }
    }
    Ok(QueryLine {
        query: form.expect("a query has a form"),
        why,
        as_of,
    })
}

struct Ctx<'p> {
    file: FileId,
    offset: usize,
    params: &'p Params,
}

impl Ctx<'_> {
    /// The value of a `$parameter`, or an error naming it.
    fn parameter(&self, pair: &Pair<'_, Rule>) -> PResult<&Value> {
        let name = &pair.as_str()[1..];
        self.params.get(name).ok_or_else(|| {
            let d = Diagnostic::at(
                self.file,
                self.span(pair),
                format!("the parameter `${name}` is not set"),
            )
            .label("not set")
            .help(format!(
                "set it with `.param set {name} VALUE` in the shell, or `--param {name}=VALUE`"
            ));
            Box::new(d)
        })
    }

    fn span(&self, pair: &Pair<'_, Rule>) -> Span {
        let s = pair.as_span();
        Span::new(self.offset + s.start(), self.offset + s.end())
    }

    fn error(&self, span: Span, message: impl Into<String>) -> Box<Diagnostic> {
        Box::new(Diagnostic::at(self.file, span, message))
    }

    fn query(&self, pair: Pair<'_, Rule>) -> PResult<Query> {
        let rule = pair.as_rule();
        let mut inner = pair
            .into_inner()
            .filter(|p| !is_keyword(p.as_rule()))
            .peekable();
        match rule {
            Rule::neighbours => {
                let entity = self.name(inner.next().expect("neighbours has a name"))?;
                let (mut direction, mut via, mut depth) = (None, None, None);
                for option in inner {
                    let span = self.span(&option);
                    match option.as_rule() {
                        Rule::direction => {
                            let d = match option.as_str() {
                                "out" => Direction::Out,
                                "in" => Direction::In,
                                _ => Direction::Both,
                            };
                            self.once(&mut direction, d, span, "a direction")?;
                        }
                        Rule::via => self.once(&mut via, self.relations(option)?, span, "`via`")?,
                        _ => self.once(&mut depth, self.natural(option, 1)?, span, "`depth`")?,
                    }
                }
                Ok(Query::Neighbours {
                    entity,
                    direction: direction.unwrap_or(Direction::Both),
                    via: via.unwrap_or_default(),
                    depth: depth.unwrap_or(DEFAULT_DEPTH),
                })
            }
            Rule::path | Rule::paths => {
                let from = self.name(inner.next().expect("a path has a start"))?;
                let forward = inner.next_if(|p| p.as_rule() == Rule::arrow).is_some();
                let to = self.name(inner.next().expect("a path has an end"))?;
                let (mut via, mut max, mut limit) = (None, None, None);
                for option in inner {
                    let span = self.span(&option);
                    match option.as_rule() {
                        Rule::via => self.once(&mut via, self.relations(option)?, span, "`via`")?,
                        Rule::max => {
                            let n = self.natural_up_to(option, 1, MAX_HOPS)?;
                            self.once(&mut max, n, span, "`max`")?
                        }
                        _ => self.once(&mut limit, self.natural(option, 1)?, span, "`limit`")?,
                    }
                }
                let via = via.unwrap_or_default();
                Ok(if rule == Rule::path {
                    Query::Path {
                        from,
                        to,
                        forward,
                        via,
                    }
                } else {
                    Query::Paths {
                        from,
                        to,
                        forward,
                        via,
                        max: max.unwrap_or(DEFAULT_MAX),
                        limit: limit.unwrap_or(DEFAULT_LIMIT),
                    }
                })
            }
            Rule::count => Ok(Query::Count(
                self.pattern(inner.next().expect("count has a pattern"))?,
            )),
            Rule::show => Ok(Query::Show(
                self.name(inner.next().expect("show has a name"))?,
            )),
            Rule::find => {
                let text = self.name(inner.next().expect("find has a text"))?;
                let (mut place, mut limit) = (None, None);
                for option in inner {
                    let span = self.span(&option);
                    match option.as_rule() {
                        Rule::find_in => {
                            let word = option
                                .into_inner()
                                .find(|p| p.as_rule() == Rule::place)
                                .expect("`in` has a word");
                            let span = self.span(&word);
                            let p = super::find::Place::parse_at(word.as_str(), self.file, span)?;
                            self.once(&mut place, p, span, "`in`")?
                        }
                        _ => self.once(&mut limit, self.natural(option, 1)?, span, "`limit`")?,
                    }
                }
                Ok(Query::Find {
                    text,
                    place: place.unwrap_or(super::find::Place::Labels),
                    limit: limit.unwrap_or(super::find::DEFAULT_FIND_LIMIT),
                })
            }
            Rule::pattern => Ok(Query::Pattern(self.pattern_pair(rule, inner)?)),
            _ => unreachable!("the query forms are listed in grammar/query.pest"),
        }
    }

    /// Sets an option given at most once.
    fn once<T>(&self, slot: &mut Option<T>, value: T, span: Span, what: &str) -> PResult<()> {
        if slot.is_some() {
            return Err(Box::new(
                Diagnostic::at(self.file, span, format!("{what} is given twice"))
                    .label("given again here")
                    .help("give each option of a query once"),
            ));
        }
        *slot = Some(value);
        Ok(())
    }

    fn natural(&self, pair: Pair<'_, Rule>, min: u32) -> PResult<u32> {
        self.natural_up_to(pair, min, u32::MAX)
    }

    fn natural_up_to(&self, pair: Pair<'_, Rule>, min: u32, most: u32) -> PResult<u32> {
        let number = pair
            .into_inner()
            .find(|p| p.as_rule() == Rule::natural)
            .expect("a number follows");
        let span = self.span(&number);
        match number.as_str().parse::<u32>() {
            Ok(n) if n >= min && n <= most => Ok(n),
            _ => Err(Box::new(
                Diagnostic::at(
                    self.file,
                    span,
                    format!("`{}` is out of range", number.as_str()),
                )
                .label(format!("must be from {min} to {most}")),
            )),
        }
    }

    /// The path expressions of `via`.
    fn relations(&self, pair: Pair<'_, Rule>) -> PResult<Vec<PathExpr>> {
        pair.into_inner()
            .filter(|p| p.as_rule() == Rule::path_expr)
            .map(|p| self.path_expr(p))
            .collect()
    }

    fn path_expr(&self, pair: Pair<'_, Rule>) -> PResult<PathExpr> {
        let mut alternatives: Vec<PathExpr> = Vec::new();
        for alternative in pair.into_inner() {
            let mut steps: Vec<PathExpr> = Vec::new();
            for step in alternative.into_inner() {
                let mut inverse = false;
                let mut expr = None;
                let mut repeat = None;
                for p in step.into_inner() {
                    match p.as_rule() {
                        Rule::inverse => inverse = true,
                        Rule::relation => expr = Some(PathExpr::Relation(self.name(p)?)),
                        Rule::path_expr => expr = Some(self.path_expr(p)?),
                        _ => {
                            let span = self.span(&p);
                            let r = p.into_inner().next().expect("a repeat has a kind");
                            repeat = Some(match r.as_rule() {
                                Rule::star => (0, None),
                                Rule::plus => (1, None),
                                Rule::optional => (0, Some(1)),
                                _ => {
                                    let has_comma = r.as_str().contains(',');
                                    let mut numbers =
                                        r.into_inner().map(|n| n.as_str().parse::<u32>());
                                    let min = numbers.next().and_then(Result::ok);
                                    let max = match numbers.next() {
                                        Some(n) => n.ok(),
                                        None if has_comma => None,
                                        None => min,
                                    };
                                    let Some(min) = min else {
                                        return Err(self.error(span, "a repeat count is too large"));
                                    };
                                    if max.is_some_and(|m| m < min) || max == Some(0) {
                                        return Err(Box::new(
                                            Diagnostic::at(self.file, span, "this repeat matches nothing")
                                                .label("the most is less than the least, or zero")
                                                .help("write `{MIN,MAX}` with 1 <= MAX and MIN <= MAX, `{MIN,}` or `{N}`"),
                                        ));
                                    }
                                    if min > 100 || max.is_some_and(|m| m > 100) {
                                        return Err(Box::new(
                                            Diagnostic::at(
                                                self.file,
                                                span,
                                                "repeat counts go up to 100",
                                            )
                                            .label("too many")
                                            .help("write `+` or `*` for any number of steps"),
                                        ));
                                    }
                                    (min, max)
                                }
                            });
                        }
                    }
                }
                let mut expr = expr.expect("a step has a relation or a group");
                if let Some((min, max)) = repeat {
                    expr = PathExpr::Repeat(Box::new(expr), min, max);
                }
                if inverse {
                    expr = PathExpr::Inverse(Box::new(expr));
                }
                steps.push(expr);
            }
            alternatives.push(if steps.len() == 1 {
                steps.pop().expect("one")
            } else {
                PathExpr::Sequence(steps)
            });
        }
        Ok(if alternatives.len() == 1 {
            alternatives.pop().expect("one")
        } else {
            PathExpr::Alternative(alternatives)
        })
    }

    fn name(&self, pair: Pair<'_, Rule>) -> PResult<Name> {
        let span = self.span(&pair);
        let text = match pair.as_rule() {
            // A name parameter holds a name or a string.
            Rule::parameter => match self.parameter(&pair)? {
                Value::Name(n) | Value::Str(n) => n.to_string(),
                other => {
                    return Err(self.error(
                        span,
                        format!(
                            "the parameter `{}` is {} {}, not a name",
                            pair.as_str(),
                            if other.type_name() == "integer" {
                                "an"
                            } else {
                                "a"
                            },
                            other.type_name()
                        ),
                    ));
                }
            },
            Rule::string => unescape(self.file, pair.as_str(), span.start)?.into_owned(),
            Rule::label_ref => {
                unescape(self.file, &pair.as_str()[1..], span.start + 1)?.into_owned()
            }
            Rule::variable => pair.as_str()[1..].to_string(),
            Rule::relation => crate::value::unquote_relation(pair.as_str()).into_owned(),
            _ => pair.as_str().to_string(),
        };
        let text = crate::name::nfc(std::borrow::Cow::Owned(text)).into_owned();
        let by_label = pair.as_rule() == Rule::label_ref;
        Ok(Name {
            text,
            span,
            by_label,
        })
    }

    fn term(&self, pair: Pair<'_, Rule>) -> PResult<Term> {
        Ok(match pair.as_rule() {
            Rule::variable => Term::Var(self.name(pair)?),
            _ => Term::Name(self.name(pair)?),
        })
    }

    fn pattern(&self, pair: Pair<'_, Rule>) -> PResult<Pattern> {
        let rule = pair.as_rule();
        self.pattern_pair(
            rule,
            pair.into_inner()
                .filter(|p| !is_keyword(p.as_rule()))
                .peekable(),
        )
    }

    fn pattern_pair<'i>(
        &self,
        _rule: Rule,
        parts: std::iter::Peekable<impl Iterator<Item = Pair<'i, Rule>>>,
    ) -> PResult<Pattern> {
        let mut pattern = Pattern {
            clauses: Vec::new(),
            conditions: Vec::new(),
        };
        for part in parts {
            match part.as_rule() {
                Rule::kind_clause => {
                    let mut inner = part.into_inner();
                    let entity = self.term(inner.next().expect("a kind clause has an entity"))?;
                    let kind = self.name(inner.next().expect("a kind clause has a kind"))?;
                    pattern.clauses.push(Clause::Kind { entity, kind });
                }
                Rule::triple => {
                    let mut attrs = Vec::new();
                    let mut places: Vec<Pair<'_, Rule>> = Vec::new();
                    for p in part.into_inner() {
                        match p.as_rule() {
                            Rule::attrs => attrs = self.attrs(p)?,
                            _ => places.push(p),
                        }
                    }
                    let mut places = places.into_iter();
                    let subject = self.term(places.next().expect("a clause has a subject"))?;
                    let middle = places.next().expect("a clause has a predicate");
                    let predicate = match middle.as_rule() {
                        Rule::variable => Predicate::Var(self.name(middle)?),
                        _ => Predicate::Path(self.path_expr(middle)?),
                    };
                    let object = places.next().map(|p| self.term(p)).transpose()?;
                    pattern.clauses.push(match object {
                        Some(object) => Clause::Edge { subject, predicate, object, attrs },
                        None => {
                            // A fact's predicate is a variable or one relation.
                            let predicate = match predicate {
                                Predicate::Var(v) => Term::Var(v),
                                Predicate::Path(PathExpr::Relation(n)) => Term::Name(n),
                                Predicate::Path(other) => {
                                    return Err(Box::new(
                                        Diagnostic::at(self.file, other.span(), "a path expression needs an object")
                                            .label("no object after it")
                                            .help("a fact clause is `SUBJECT PREDICATE`, with one relation"),
                                    ));
                                }
                            };
                            Clause::Fact { subject, predicate, attrs }
                        }
                    });
                }
                Rule::pattern => {
                    // `count` wraps its pattern.
                    let inner = self.pattern(part)?;
                    pattern.clauses.extend(inner.clauses);
                    pattern.conditions.extend(inner.conditions);
                }
                _ => {
                    for condition in part.into_inner().filter(|p| p.as_rule() == Rule::condition) {
                        pattern.conditions.push(self.condition(condition)?);
                    }
                }
            }
        }
        Ok(pattern)
    }

    fn attrs(&self, pair: Pair<'_, Rule>) -> PResult<Vec<AttrTerm>> {
        let mut attrs: Vec<AttrTerm> = Vec::new();
        for attr in pair.into_inner() {
            let mut inner = attr.into_inner();
            let key = self.name(inner.next().expect("an attribute has a key"))?;
            let value = self.operand(inner.next().expect("an attribute has a value"))?;
            if attrs.iter().any(|a| a.key.text == key.text) {
                return Err(
                    self.error(key.span, format!("attribute `{}` is given twice", key.text))
                );
            }
            attrs.push(AttrTerm { key, value });
        }
        Ok(attrs)
    }

    fn operand(&self, pair: Pair<'_, Rule>) -> PResult<Operand> {
        let span = self.span(&pair);
        let s = pair.as_str();
        Ok(match pair.as_rule() {
            Rule::variable => Operand::Var(self.name(pair)?),
            Rule::parameter => Operand::Value(self.parameter(&pair)?.clone(), span),
            Rule::number => Operand::Value(owned(number(self.file, s, span)?), span),
            Rule::string => {
                Operand::Value(Value::Str(unescape(self.file, s, span.start)?.into()), span)
            }
            _ => Operand::Value(owned(word(s)), span),
        })
    }

    fn condition(&self, pair: Pair<'_, Rule>) -> PResult<Condition> {
        let span = self.span(&pair);
        let mut inner = pair.into_inner();
        let left = self.operand(inner.next().expect("a condition has a left side"))?;
        let op = match inner.next().expect("a condition has an operator").as_str() {
            "=" => Op::Eq,
            "!=" => Op::Ne,
            "<" => Op::Lt,
            "<=" => Op::Le,
            ">" => Op::Gt,
            _ => Op::Ge,
        };
        let right = self.operand(inner.next().expect("a condition has a right side"))?;
        Ok(Condition {
            left,
            op,
            right,
            span,
        })
    }
}

fn owned(v: crate::ast::Value<'_>) -> Value {
    match v {
        crate::ast::Value::Int(v) => Value::Int(v),
        crate::ast::Value::Dec(v) => Value::Dec(v),
        crate::ast::Value::Str(v) => Value::Str((*v).into()),
        crate::ast::Value::Date(v) => Value::Date(v),
        crate::ast::Value::Bool(v) => Value::Bool(v),
        crate::ast::Value::Name(v) => Value::Name((*v).into()),
    }
}

fn is_keyword(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::kw_neighbours
            | Rule::kw_path
            | Rule::kw_paths
            | Rule::kw_count
            | Rule::kw_show
            | Rule::kw_find
            | Rule::kw_in
            | Rule::kw_via
            | Rule::kw_depth
            | Rule::kw_max
            | Rule::kw_limit
            | Rule::kw_where
            | Rule::kw_and
            | Rule::EOI
    )
}

/// A syntax error in a query, naming what was expected.
fn syntax_error(
    file: FileId,
    offset: usize,
    text: &str,
    error: &pest::error::Error<Rule>,
) -> Diagnostic {
    if let Some(quote) = crate::parse::unclosed_quote(text) {
        return Diagnostic::at(
            file,
            Span::new(offset + quote, offset + quote + 1),
            "this string has no closing quote",
        )
        .label("the string starts here")
        .help("a string ends with `\"`; write a quote inside it as `\\\"`");
    }
    let (pos, mut expected) = expected_at(
        error,
        || QueryParser::parse(Rule::query, text).map(|_| ()),
        expected_name,
    );
    if pos == text.len() - text.trim_start().len() {
        expected = vec!["a query: neighbours, path, paths, count, show, find or a pattern"];
    }
    // `@` starts a label, which is quoted: `@"North Korea"`.
    if text[..pos.min(text.len())].ends_with('@') {
        expected = vec!["a label in quotes after `@`"];
    }
    // A `$parameter` may stand wherever a name or a value does: saying so
    // in every message would only be noise.
    expected.retain(|e| *e != "a $parameter");
    expected.sort_by_key(|e| RANK.iter().position(|r| r == e));
    expected.dedup();
    let rest = &text[pos.min(text.len())..];
    let len = rest
        .char_indices()
        .find(|(i, c)| c.is_whitespace() || (*i > 0 && matches!(c, ',' | '{' | '}' | ':')))
        .map_or(rest.len(), |(i, _)| i)
        .max(rest.chars().next().map_or(0, char::len_utf8));
    let found = if rest.trim().is_empty() {
        "the end of the query".to_string()
    } else {
        format!("`{}`", &rest[..len])
    };
    let message = match expected.as_slice() {
        [] if rest.trim().is_empty() => "the query ends too soon".to_string(),
        [] => format!("unexpected {found}"),
        [one] => format!("expected {one}, found {found}"),
        [init @ .., last] => format!("expected {} or {last}, found {found}", init.join(", ")),
    };
    let span = Span::new(offset + pos, offset + pos + len);
    let d = Diagnostic::at(file, span, message).label("unexpected here");
    if rest.starts_with('\'') {
        return d.help("strings use double quotes: \"like this\"");
    }
    d.help("the query forms: `neighbours NAME`, `path A B`, `paths A B`, `?x REL NAME`, `count PATTERN`, `show NAME`, `find TEXT`; `.help` in the shell shows more")
}

const RANK: [&str; 19] = [
    "a name",
    "a label in quotes after `@`",
    "a variable",
    "`->`",
    "a relation name",
    "`:`",
    "a kind",
    "`{`",
    "an attribute name",
    "a value",
    "a direction (`out`, `in` or `both`)",
    "`via`",
    "`depth`, `max` or `limit`",
    "`labels`, `quotes` or `attributes`",
    "a number",
    "a comparison (`=`, `!=`, `<`, `<=`, `>`, `>=`)",
    "`,`",
    "`where`",
    "the end of the query",
];

fn expected_name(rule: Rule) -> Option<&'static str> {
    Some(match rule {
        Rule::ident | Rule::string => "a name",
        Rule::parameter => "a $parameter",
        Rule::variable => "a variable",
        Rule::arrow => "`->`",
        Rule::relation => "a relation name",
        Rule::kind => "a kind",
        Rule::attrs => "`{`",
        Rule::attr | Rule::key => "an attribute name",
        Rule::number | Rule::word => "a value",
        Rule::direction => "a direction (`out`, `in` or `both`)",
        Rule::via | Rule::kw_via => "`via`",
        Rule::depth | Rule::max | Rule::limit | Rule::kw_depth | Rule::kw_max | Rule::kw_limit => {
            "`depth`, `max` or `limit`"
        }
        Rule::natural => "a number",
        Rule::place => "`labels`, `quotes` or `attributes`",
        Rule::kw_in | Rule::find_in => "`in`",
        Rule::op => "a comparison (`=`, `!=`, `<`, `<=`, `>`, `>=`)",
        Rule::condition_list | Rule::kw_where => "`where`",
        Rule::EOI => "the end of the query",
        _ => return None,
    })
}
