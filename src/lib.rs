//! Dossier: turn what you read into a knowledge graph you can question.

pub mod ast;
pub mod diagnostic;
pub mod parse;
pub mod syntax;
pub mod value;
pub mod graph;
pub mod suggest;
pub mod build;
pub mod cli;
