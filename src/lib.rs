//! Dossier: turn what you read into a knowledge graph you can question.

pub mod ast;
pub mod build;
pub mod cli;
pub mod diagnostic;
pub mod generate;
pub mod graph;
pub mod parse;
pub mod suggest;
pub mod syntax;
pub mod value;
