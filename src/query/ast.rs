//! The query AST: what a query asks, with byte spans for diagnostics.
//!
//! Names are not yet resolved: the evaluator looks them up in the graph and
//! reports unknown ones.

use crate::ast::Span;
use crate::value::Value;

/// A name with where it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Name {
    pub text: String,
    pub span: Span,
    /// Written `@"..."`: the entity with this label, not this name.
    pub by_label: bool,
}

/// A path expression: `r1|r2`, `^r`, `r1/r2`, `r*`, `r+`, `r?`, `r{1,3}`.
#[derive(Debug, Clone, PartialEq)]
pub enum PathExpr {
    /// A relation, with its declared semantics.
    Relation(Name),
    /// `^e`: `e` read backwards.
    Inverse(Box<PathExpr>),
    /// `a/b`
    Sequence(Vec<PathExpr>),
    /// `a|b`
    Alternative(Vec<PathExpr>),
    /// `e{min,max}`; `*` is `{0,}`, `+` `{1,}`, `?` `{0,1}`.
    Repeat(Box<PathExpr>, u32, Option<u32>),
}

impl PathExpr {
    /// The relation, when the expression is just one.
    pub fn relation(&self) -> Option<&Name> {
        match self {
            PathExpr::Relation(n) => Some(n),
            _ => None,
        }
    }

    /// Where the expression was written (its first relation).
    pub fn span(&self) -> Span {
        match self {
            PathExpr::Relation(n) => n.span,
            PathExpr::Inverse(e) | PathExpr::Repeat(e, _, _) => e.span(),
            PathExpr::Sequence(l) | PathExpr::Alternative(l) => match (l.first(), l.last()) {
                (Some(a), Some(b)) => Span::new(a.span().start, b.span().end),
                _ => Span::default(),
            },
        }
    }
}

/// A query line: a query, asked with `why` or not, `as of` a date or not.
#[derive(Debug, Clone, PartialEq)]
pub struct QueryLine {
    pub query: Query,
    /// `why QUERY`: show the statements each answer rests on.
    pub why: bool,
    /// `... as of DATE`: only statements valid on that date.
    pub as_of: Option<crate::value::Date>,
}

/// One query.
#[derive(Debug, Clone, PartialEq)]
pub enum Query {
    /// `neighbours NAME [out|in|both] [via REL,...] [depth N]`
    Neighbours {
        entity: Name,
        direction: Direction,
        via: Vec<PathExpr>,
        depth: u32,
    },
    /// `path A [->] B [via REL,...]`
    Path {
        from: Name,
        to: Name,
        forward: bool,
        via: Vec<PathExpr>,
    },
    /// `paths A [->] B [via REL,...] [max N] [limit K]`
    Paths {
        from: Name,
        to: Name,
        forward: bool,
        via: Vec<PathExpr>,
        max: u32,
        limit: u32,
    },
    /// `?s member_of Security_Council, ?s abstains_on_referral where ...`
    Pattern(Pattern),
    /// `count PATTERN`
    Count(Pattern),
    /// `show NAME`
    Show(Name),
    /// `find TEXT [in labels|quotes|attributes] [limit N]`
    Find {
        text: Name,
        place: super::find::Place,
        limit: u32,
    },
}

/// Which edges a neighbourhood follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// NAME is the subject.
    Out,
    /// NAME is the object.
    In,
    Both,
}

/// Clauses joined by `,`, and conditions after `where`.
#[derive(Debug, Clone, PartialEq)]
pub struct Pattern {
    pub clauses: Vec<Clause>,
    pub conditions: Vec<Condition>,
}

/// A place in a clause: a name or a `?variable`.
#[derive(Debug, Clone, PartialEq)]
pub enum Term {
    Name(Name),
    /// The variable's name without `?`.
    Var(Name),
}

impl Term {
    pub fn span(&self) -> Span {
        match self {
            Term::Name(n) | Term::Var(n) => n.span,
        }
    }
}

/// One clause of a pattern.
#[derive(Debug, Clone, PartialEq)]
pub enum Clause {
    /// `?s: state`
    Kind { entity: Term, kind: Name },
    /// `?s member_of ?b {since: ?d}`: a relation.
    Edge {
        subject: Term,
        predicate: Predicate,
        object: Term,
        attrs: Vec<AttrTerm>,
    },
    /// `?s abstains_on_referral`: a fact.
    Fact {
        subject: Term,
        predicate: Term,
        attrs: Vec<AttrTerm>,
    },
}

/// The middle of a relation clause: a variable, or a relation or path
/// expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Predicate {
    Var(Name),
    Path(PathExpr),
}

/// `key: value` or `key: ?var` in a clause's `{...}`.
#[derive(Debug, Clone, PartialEq)]
pub struct AttrTerm {
    pub key: Name,
    pub value: Operand,
}

/// A value or a variable, in attributes and conditions.
#[derive(Debug, Clone, PartialEq)]
pub enum Operand {
    Value(Value, Span),
    Var(Name),
}

impl Operand {
    pub fn span(&self) -> Span {
        match self {
            Operand::Value(_, span) => *span,
            Operand::Var(n) => n.span,
        }
    }
}

/// `?d >= 2014-01-01`
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    pub left: Operand,
    pub op: Op,
    pub right: Operand,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}
