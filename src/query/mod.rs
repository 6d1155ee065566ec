//! The query language: parse a query, evaluate it against a read-only graph.

pub mod ast;
mod counting;
pub mod eval;
mod expression;
pub mod find;
mod neighbours;
pub mod parse;
mod path;
mod pattern;
mod plan;
mod statements;
pub mod translate;
mod values;

pub use parse::parse_query;
pub mod rpq;
