//! Typed attribute values as the graph stores them, and calendar dates.

use std::fmt;

/// A calendar date, `YYYY-MM-DD`; ordered chronologically.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

impl Date {
    /// Checks that the day exists (leap years included).
    pub fn new(year: u16, month: u8, day: u8) -> Option<Date> {
        let leap =
            (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400);
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        (1..=days)
            .contains(&day)
            .then_some(Date { year, month, day })
    }

    /// Parses exactly `YYYY-MM-DD`.
    pub fn parse(s: &str) -> Option<Date> {
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let num = |r: std::ops::Range<usize>| s.get(r)?.parse::<u16>().ok();
        Date::new(num(0..4)?, num(5..7)? as u8, num(8..10)? as u8)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// An attribute value in the graph. Values keep the type they were written
/// with: `7`, `7.0` and `"7"` are three different values.
#[derive(Debug, Clone)]
pub enum Value {
    Int(i64),
    Dec(f64),
    Str(Box<str>),
    Date(Date),
    Bool(bool),
    /// A bare identifier such as `Pyongyang`.
    Name(Box<str>),
}

impl Value {
    /// The type's name as users read it in messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Int(_) => "integer",
            Value::Dec(_) => "decimal",
            Value::Str(_) => "string",
            Value::Date(_) => "date",
            Value::Bool(_) => "boolean",
            Value::Name(_) => "name",
        }
    }
}

// Decimals compare by bit pattern so that a value set can be hashed and
// interned; `NaN` cannot be written in a relation file anyway.
impl PartialEq for Value {
    fn eq(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Int(a), Value::Int(b)) => a == b,
            (Value::Dec(a), Value::Dec(b)) => a.to_bits() == b.to_bits(),
            (Value::Str(a), Value::Str(b)) | (Value::Name(a), Value::Name(b)) => a == b,
            (Value::Date(a), Value::Date(b)) => a == b,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            _ => false,
        }
    }
}

impl Eq for Value {}

impl std::hash::Hash for Value {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        std::mem::discriminant(self).hash(state);
        match self {
            Value::Int(v) => v.hash(state),
            Value::Dec(v) => v.to_bits().hash(state),
            Value::Str(v) | Value::Name(v) => v.hash(state),
            Value::Date(v) => v.hash(state),
            Value::Bool(v) => v.hash(state),
        }
    }
}

impl fmt::Display for Value {
    /// Writes the value as it would be written in a relation file.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Int(v) => write!(f, "{v}"),
            Value::Dec(v) => {
                // The loaders refuse decimals out of range, so none is held.
                debug_assert!(v.is_finite(), "a decimal out of range was held: {v}");
                if v.fract() == 0.0 && v.is_finite() {
                    write!(f, "{v:.1}")
                } else {
                    write!(f, "{v}")
                }
            }
            Value::Str(v) => write_quoted(f, v),
            Value::Date(v) => write!(f, "{v}"),
            Value::Bool(v) => write!(f, "{v}"),
            Value::Name(v) => f.write_str(v),
        }
    }
}

/// Writes `s` as a relation-file string literal.
pub fn write_quoted(f: &mut impl fmt::Write, s: &str) -> fmt::Result {
    f.write_char('"')?;
    for c in s.chars() {
        match c {
            '"' => f.write_str("\\\"")?,
            '\\' => f.write_str("\\\\")?,
            '\n' => f.write_str("\\n")?,
            '\t' => f.write_str("\\t")?,
            c if c.is_control() => write!(f, "\\u{{{:x}}}", c as u32)?,
            c => f.write_char(c)?,
        }
    }
    f.write_char('"')
}

/// Whether `s` can be written bare, as an identifier: the grammars'
/// `ident` (a letter or `_`, then letters, numbers, `_` and `-`, letters
/// and numbers in Unicode's sense), and not a word either grammar reads
/// otherwise there.
pub fn is_identifier(s: &str) -> bool {
    has_identifier_shape(s)
        && !matches!(
            s,
            "true" | "false" | "include" | "where" | "and" | "as" | "why"
        )
}

/// Whether `s` has the characters of an identifier (relation, kind and
/// key names), reserved words included.
pub fn has_identifier_shape(s: &str) -> bool {
    use pest::unicode::{LETTER, MARK, NUMBER};
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_' || LETTER(c))
        && chars.all(|c| {
            c.is_ascii_alphanumeric() || c == '_' || c == '-' || LETTER(c) || NUMBER(c) || MARK(c)
        })
}

/// Writes a name as a relation file would: bare when it can be, else quoted.
pub fn write_name(f: &mut impl fmt::Write, s: &str) -> fmt::Result {
    if is_identifier(s) {
        f.write_str(s)
    } else {
        write_quoted(f, s)
    }
}

/// Writes a relation name as relation files and queries read it: bare when
/// it has an identifier's characters, else in backticks, a backtick doubled
/// (`` `has part` ``).
pub fn write_relation(f: &mut impl fmt::Write, s: &str) -> fmt::Result {
    if has_identifier_shape(s) {
        f.write_str(s)
    } else {
        f.write_char('`')?;
        f.write_str(&s.replace('`', "``"))?;
        f.write_char('`')
    }
}

/// A relation name as [`write_relation`] writes it.
pub fn relation_text(s: &str) -> String {
    let mut out = String::new();
    write_relation(&mut out, s).expect("writing to a String");
    out
}

/// The name a relation token stands for: itself, or what its backticks hold.
pub fn unquote_relation(token: &str) -> std::borrow::Cow<'_, str> {
    match token.strip_prefix('`').and_then(|t| t.strip_suffix('`')) {
        Some(inner) if inner.contains("``") => std::borrow::Cow::Owned(inner.replace("``", "`")),
        Some(inner) => std::borrow::Cow::Borrowed(inner),
        None => std::borrow::Cow::Borrowed(token),
    }
}

/// Why `s` cannot be a relation name, if it cannot: relation files and
/// queries write any relation but an empty one or one with control
/// characters (which no TSV field or backtick name can hold).
pub fn relation_name_problem(s: &str) -> Option<&'static str> {
    if s.is_empty() {
        Some("a relation name is empty")
    } else if s.chars().any(char::is_control) {
        Some("a relation name holds a control character (a tab, line end or the like)")
    } else {
        None
    }
}
