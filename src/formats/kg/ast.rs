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
    /// `with {attrs}`: attributes for the items after it in the same file
    With(Vec<Attr<'s>>),
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
    /// `functional`: a subject has one object at any time.
    pub functional: bool,
    /// `relation voted_for excludes voted_against`
    pub excludes: Option<Text<'s>>,
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

impl Attr<'_> {
    /// The attribute with its texts owned, to outlive the line it was read
    /// from (a `with` line's attributes, given to later lines).
    pub fn to_owned_attr(&self) -> Attr<'static> {
        let own = |c: &std::borrow::Cow<'_, str>| std::borrow::Cow::Owned(c.to_string());
        Attr {
            key: Text {
                text: own(&self.key.text),
                span: self.key.span,
            },
            value: match &self.value {
                Value::Int(v) => Value::Int(*v),
                Value::Dec(v) => Value::Dec(*v),
                Value::Str(v) => Value::Str(own(v)),
                Value::Date(v) => Value::Date(*v),
                Value::Bool(v) => Value::Bool(*v),
                Value::Name(v) => Value::Name(own(v)),
            },
            value_span: self.value_span,
        }
    }
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

impl Item<'_> {
    /// The item written in canonical form: single spaces, names bare when
    /// they can be, strings with the escapes `\"`, `\\`, `\n`, `\t` and
    /// `\u{...}` only. Parsing it gives the same item, spans aside.
    pub fn canonical(&self) -> String {
        let mut s = String::new();
        let name = |s: &mut String, t: &Text<'_>| {
            crate::value::write_name(s, &t.text).expect("writing to a String")
        };
        match self {
            Item::Include(path) => {
                s.push_str("include ");
                crate::value::write_quoted(&mut s, &path.text).expect("writing to a String");
            }
            Item::Declaration(d) => {
                name(&mut s, &d.name);
                s.push_str(": ");
                s.push_str(&d.kind.text);
                if let Some(label) = &d.label {
                    s.push(' ');
                    crate::value::write_quoted(&mut s, &label.text).expect("writing to a String");
                }
                write_attrs(&mut s, &d.attrs);
            }
            Item::Statement(st) => {
                name(&mut s, &st.subject);
                s.push(' ');
                crate::value::write_relation(&mut s, &st.predicate.text)
                    .expect("writing to a String");
                if let Some(object) = &st.object {
                    s.push(' ');
                    name(&mut s, object);
                }
                write_attrs(&mut s, &st.attrs);
            }
            Item::With(attrs) if attrs.is_empty() => s.push_str("with {}"),
            Item::With(attrs) => {
                s.push_str("with");
                write_attrs(&mut s, attrs);
            }
            Item::Relation(r) => {
                s.push_str("relation ");
                crate::value::write_relation(&mut s, &r.name.text).expect("writing to a String");
                match (&r.inverse_of, &r.excludes) {
                    (Some(other), _) => {
                        s.push_str(" inverse ");
                        crate::value::write_relation(&mut s, &other.text)
                            .expect("writing to a String");
                    }
                    (None, Some(other)) => {
                        s.push_str(" excludes ");
                        crate::value::write_relation(&mut s, &other.text)
                            .expect("writing to a String");
                    }
                    (None, None) => {
                        let kinds = |k: &Option<Vec<Text<'_>>>| match k {
                            None => "any".to_string(),
                            Some(k) => k
                                .iter()
                                .map(|t| t.text.as_ref())
                                .collect::<Vec<_>>()
                                .join(" | "),
                        };
                        let arrow = if r.symmetric { "<->" } else { "->" };
                        s.push_str(&format!(
                            ": {} {arrow} {}",
                            kinds(&r.subject),
                            kinds(&r.object)
                        ));
                        if r.transitive {
                            s.push_str(" transitive");
                        }
                        if r.functional {
                            s.push_str(" functional");
                        }
                    }
                }
            }
        }
        s
    }

    /// The item with every span zeroed, to compare items written apart.
    pub fn without_spans(mut self) -> Self {
        fn text(t: &mut Text<'_>) {
            t.span = Span::default();
        }
        fn attrs(a: &mut [Attr<'_>]) {
            for a in a {
                text(&mut a.key);
                a.value_span = Span::default();
            }
        }
        match &mut self {
            Item::Include(path) => text(path),
            Item::Declaration(d) => {
                text(&mut d.name);
                text(&mut d.kind);
                d.label.iter_mut().for_each(text);
                attrs(&mut d.attrs);
            }
            Item::Statement(st) => {
                text(&mut st.subject);
                text(&mut st.predicate);
                st.object.iter_mut().for_each(text);
                attrs(&mut st.attrs);
                st.span = Span::default();
            }
            Item::With(a) => attrs(a),
            Item::Relation(r) => {
                text(&mut r.name);
                for k in [&mut r.subject, &mut r.object].into_iter().flatten() {
                    k.iter_mut().for_each(text);
                }
                r.inverse_of.iter_mut().for_each(text);
                r.excludes.iter_mut().for_each(text);
                r.span = Span::default();
            }
        }
        self
    }
}

fn write_attrs(s: &mut String, attrs: &[Attr<'_>]) {
    if attrs.is_empty() {
        return;
    }
    s.push_str(" {");
    for (i, a) in attrs.iter().enumerate() {
        if i > 0 {
            s.push_str(", ");
        }
        s.push_str(&a.key.text);
        s.push_str(": ");
        match &a.value {
            Value::Int(v) => s.push_str(&v.to_string()),
            Value::Dec(v) => s.push_str(&crate::value::Value::Dec(*v).to_string()),
            Value::Str(v) => crate::value::write_quoted(s, v).expect("writing to a String"),
            Value::Date(d) => s.push_str(&d.to_string()),
            Value::Bool(b) => s.push_str(&b.to_string()),
            Value::Name(n) => s.push_str(n),
        }
    }
    s.push('}');
}
