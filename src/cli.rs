//! The command line: arguments, and what each command prints.

use crate::build::{Input, LoadError, Options};
use crate::graph::Graph;
use clap::{Parser, Subcommand};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

/// The bundled default graph, `data/koreas.kg`, used when no file is given.
pub const BUNDLED_NAME: &str = "data/koreas.kg";
pub const BUNDLED_TEXT: &str = include_str!("../data/koreas.kg");

/// Dossier: turn what you read into a knowledge graph you can question.
#[derive(Parser, Debug)]
#[command(name = "dossier", version, args_conflicts_with_subcommands = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Relation files to load (default: the bundled data/koreas.kg)
    pub files: Vec<PathBuf>,

    /// Make names used without a declaration an error
    #[arg(long, global = true)]
    pub strict: bool,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Check relation files and print what they hold
    Check {
        /// Relation files to check (default: the bundled data/koreas.kg)
        files: Vec<PathBuf>,
    },
}

/// Runs the command line and returns the process's exit status.
pub fn run(cli: Cli) -> ExitCode {
    let options = Options { strict: cli.strict };
    let files = match &cli.command {
        Some(Command::Check { files }) => files.clone(),
        None => cli.files.clone(),
    };
    match load(&files, options) {
        Ok(graph) => {
            print_line(&format!(
                "ok: {} entities, {} relations, {} facts",
                graph.entity_count(),
                graph.relation_count(),
                graph.fact_count()
            ));
            ExitCode::SUCCESS
        }
        Err(error) => {
            report(&error);
            ExitCode::FAILURE
        }
    }
}

/// Loads the files, or the bundled graph when there are none.
pub fn load(files: &[PathBuf], options: Options) -> Result<Graph, LoadError> {
    Graph::from_inputs(&inputs(files), options)
}

pub fn inputs(files: &[PathBuf]) -> Vec<Input> {
    if files.is_empty() {
        vec![Input::Text {
            name: BUNDLED_NAME.into(),
            text: BUNDLED_TEXT.into(),
        }]
    } else {
        files.iter().cloned().map(Input::Path).collect()
    }
}

/// Prints load errors on stderr, in colour on a terminal unless `NO_COLOR`.
pub fn report(error: &LoadError) {
    let stderr = std::io::stderr();
    let color = stderr.is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let _ = stderr.lock().write_all(error.render(color).as_bytes());
}

/// Prints a line on stdout; a closed pipe (`dossier ... | head`) is not an
/// error worth a message.
fn print_line(line: &str) {
    let _ = writeln!(std::io::stdout().lock(), "{line}");
}
