//! The values a `where` compares: which compare, and how a type is named
//! in a message.

use crate::value::Value;
use std::cmp::Ordering;

pub(super) fn number(v: &Value) -> f64 {
    match v {
        Value::Int(i) => *i as f64,
        Value::Dec(d) => *d,
        _ => f64::NAN,
    }
}

/// Compares two values of comparable types.
pub(super) fn compare(a: &Value, b: &Value) -> Option<Ordering> {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => Some(x.cmp(y)),
        (Value::Int(_) | Value::Dec(_), Value::Int(_) | Value::Dec(_)) => {
            number(a).partial_cmp(&number(b))
        }
        (Value::Date(x), Value::Date(y)) => Some(x.cmp(y)),
        (Value::Str(x) | Value::Name(x), Value::Str(y) | Value::Name(y)) => Some(x.cmp(y)),
        (Value::Bool(x), Value::Bool(y)) => Some(x.cmp(y)),
        _ => None,
    }
}

pub(super) fn article(v: &Value) -> String {
    let t = v.type_name();
    if t.starts_with(['a', 'e', 'i', 'o', 'u']) {
        format!("an {t}")
    } else {
        format!("a {t}")
    }
}
