//! The relation-file AST: what one line says, with byte spans.
//!
//! A parse is not yet a valid graph: names may clash with earlier
//! declarations or be undeclared under `--strict`. `build` checks those and
//! turns items into the graph. No pest or graph types appear here.

use std::borrow::Cow;

/// A byte range into the file's text (the whole file, not the line).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }

    pub fn range(self) -> std::ops::Range<usize> {
        self.start..self.end
    }
}

/// An identifier or a decoded quoted string, borrowed from the source
/// unless it had escapes.
#[derive(Debug, Clone, PartialEq)]
pub struct Text<'s> {
    pub text: Cow<'s, str>,
    pub span: Span,
}

/// One line's item.
#[derive(Debug, Clone, PartialEq)]
pub enum Item<'s> {
    /// `include "other.kg"`
    Include(Text<'s>),
    /// `NAME: KIND ["Label"] [{attrs}]`
    Declaration(Declaration<'s>),
    /// `SUBJECT PREDICATE [OBJECT] [{attrs}]`
    Statement(Statement<'s>),
    /// `relation NAME: KINDS -> KINDS [transitive]`, `relation NAME inverse NAME`
    Relation(RelationDeclaration<'s>),
}

/// What a relation means: the kinds it joins, and whether it is symmetric,
/// transitive, or the inverse of another.
#[derive(Debug, Clone, PartialEq)]
pub struct RelationDeclaration<'s> {
    pub name: Text<'s>,
    /// `None` for `any`.
    pub subject: Option<Vec<Text<'s>>>,
    pub object: Option<Vec<Text<'s>>>,
    /// `<->`
    pub symmetric: bool,
    pub transitive: bool,
    /// `relation has_member inverse member_of`
    pub inverse_of: Option<Text<'s>>,
    /// The whole line's item.
    pub span: Span,
}

/// `North_Korea: state "North Korea" {capital: "Pyongyang"}`
#[derive(Debug, Clone, PartialEq)]
pub struct Declaration<'s> {
    pub name: Text<'s>,
    pub kind: Text<'s>,
    pub label: Option<Text<'s>>,
    pub attrs: Vec<Attr<'s>>,
}

/// `China permanent_member_of Security_Council {veto: true}` is a relation;
/// `China abstains_on_referral` (no object) is a fact.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement<'s> {
    pub subject: Text<'s>,
    pub predicate: Text<'s>,
    pub object: Option<Text<'s>>,
    pub attrs: Vec<Attr<'s>>,
    /// The whole statement, for "the statement" in provenance.
    pub span: Span,
}

/// `key: value` inside `{...}`.
#[derive(Debug, Clone, PartialEq)]
pub struct Attr<'s> {
    pub key: Text<'s>,
    pub value: Value<'s>,
    pub value_span: Span,
}

/// An attribute value; values keep their type.
#[derive(Debug, Clone, PartialEq)]
pub enum Value<'s> {
    /// `42`, `-7`
    Int(i64),
    /// `3.25`
    Dec(f64),
    /// `"text"`
    Str(Cow<'s, str>),
    /// `2014-11-18`
    Date(crate::value::Date),
    /// `true`, `false`
    Bool(bool),
    /// `Pyongyang`: a bare identifier
    Name(Cow<'s, str>),
}
