//! The query language: parse a query, evaluate it against a read-only graph.

pub mod ast;
pub mod eval;
pub mod parse;

pub use parse::parse_query;
pub mod rpq;
