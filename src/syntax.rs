//! The pest parsers generated from `grammar/*.pest`, and nothing else.

use pest_derive::Parser;

/// The relation-file grammar, `grammar/relations.pest`.
#[derive(Parser)]
#[grammar = "grammar/relations.pest"]
pub struct RelationParser;
