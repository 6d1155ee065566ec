//! The pest parsers generated from `grammar/*.pest`, and nothing else.

use pest_derive::Parser;

/// The relation-file grammar, `grammar/relations.pest`.
#[derive(Parser)]
#[grammar = "grammar/relations.pest"]
pub struct RelationParser;

/// The query grammar, `grammar/query.pest`.
pub mod query {
    use pest_derive::Parser;

    #[derive(Parser)]
    #[grammar = "grammar/query.pest"]
    pub struct QueryParser;
}
pub use query::{QueryParser, Rule as QueryRule};
