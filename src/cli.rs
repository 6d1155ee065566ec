//! The command line: arguments, and what each command prints.

use crate::build::{Input, LoadError, Options};
use crate::diagnostic::{Diagnostic, Sources};
use crate::graph::Graph;
use crate::output::{self, Format};
use crate::query::{eval, parse_query};
use clap::{Parser, Subcommand};
use std::io::{self, BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

/// The bundled default graph, `data/koreas.kg`, used when no file is given.
pub const BUNDLED_NAME: &str = "data/koreas.kg";
pub const BUNDLED_TEXT: &str = include_str!("../data/koreas.kg");

/// Dossier: turn what you read into a knowledge graph you can question.
///
/// With no FILE, Dossier uses the bundled graph of data/koreas.kg.
#[derive(Parser, Debug)]
#[command(name = "dossier", version, args_conflicts_with_subcommands = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Relation files to load into one graph
    pub files: Vec<PathBuf>,

    /// Run QUERY and print its answer (repeat for more; they run in order)
    #[arg(short = 'c', long = "command", value_name = "QUERY")]
    pub queries: Vec<String>,

    /// Run the queries in SCRIPT, one a line (`#` starts a comment)
    #[arg(short = 'f', long = "file", value_name = "SCRIPT")]
    pub scripts: Vec<PathBuf>,

    /// How to print answers
    #[arg(long, value_enum, default_value_t = Format::Table, conflicts_with_all = ["json", "csv"])]
    pub format: Format,

    /// Print answers as JSON, one document a line (same as --format json)
    #[arg(long)]
    pub json: bool,

    /// Print answers as CSV (same as --format csv)
    #[arg(long, conflicts_with = "json")]
    pub csv: bool,

    /// Stop at the first query that fails
    #[arg(long)]
    pub bail: bool,

    /// In the shell, read plain lines without line editing (for terminals
    /// where editing misbehaves)
    #[arg(long)]
    pub no_readline: bool,

    /// Make names used without a declaration an error
    #[arg(long, global = true)]
    pub strict: bool,

    /// Let an include name only files inside the folder of the first file
    /// (for relation files from people you do not trust)
    #[arg(long, global = true)]
    pub confine_includes: bool,

    /// Stop a `paths` search or a pattern after this many search steps,
    /// with a partial answer
    #[arg(long, value_name = "N", default_value_t = crate::query::eval::DEFAULT_MAX_STATES)]
    pub max_states: u64,

    /// Stop a pattern after this many distinct rows, with a partial answer
    #[arg(long, value_name = "N", default_value_t = crate::query::eval::DEFAULT_MAX_ROWS)]
    pub max_rows: u64,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Check relation files and print what they hold
    Check {
        /// Relation files to check (default: the bundled data/koreas.kg)
        files: Vec<PathBuf>,
    },
    /// Export the graph (or what a query's answer touches)
    Export {
        /// Files to load (default: the bundled data/koreas.kg)
        files: Vec<PathBuf>,
        /// The format to write
        #[arg(long = "to", value_enum)]
        to: crate::export::ExportFormat,
        /// Where to write (a folder for csv); without it, or with `-`, stdout
        #[arg(short = 'o', long = "output", value_name = "OUT")]
        out: Option<PathBuf>,
        /// Export only the entities and edges that QUERY's answer touches
        #[arg(short = 'q', long = "query", value_name = "QUERY")]
        query: Option<String>,
        /// The IRI prefix of N-Triples (an absolute IRI)
        #[arg(long, default_value = crate::export::DEFAULT_BASE, value_parser = base_iri)]
        base: String,
        /// N-Triples in RDF 1.2: statements as triple terms (`rdf:reifies`)
        #[arg(long)]
        rdf12: bool,
    },
}

/// `--base`: an absolute IRI, or a usage error.
fn base_iri(text: &str) -> Result<String, String> {
    crate::export::ntriples::check_base(text).map(|()| text.to_string())
}

impl Cli {
    fn format(&self) -> Format {
        if self.json {
            Format::Json
        } else if self.csv {
            Format::Csv
        } else {
            self.format
        }
    }
}

/// Runs the command line and returns the process's exit status.
pub fn run(cli: Cli) -> ExitCode {
    // The tests' way to check how `main` reports a panic: there is no
    // input that makes one (the fuzz targets look for them).
    if std::env::var_os("DOSSIER_TEST_PANIC").is_some() {
        panic!("DOSSIER_TEST_PANIC is set");
    }
    let options = Options {
        strict: cli.strict,
        progress: true,
        confine_includes: cli.confine_includes,
    };
    crate::query::eval::set_max_states(cli.max_states);
    crate::query::eval::set_max_rows(cli.max_rows);
    if let Some(Command::Check { files }) = &cli.command {
        return match load(files, options) {
            Ok(graph) => {
                if print_line(&summary(&graph)) {
                    ExitCode::SUCCESS
                } else {
                    ExitCode::FAILURE
                }
            }
            Err(error) => {
                report(&error);
                ExitCode::FAILURE
            }
        };
    }
    if let Some(Command::Export {
        files,
        to,
        out,
        query,
        base,
        rdf12,
    }) = &cli.command
    {
        if *rdf12 && *to != crate::export::ExportFormat::Ntriples {
            eprintln!("error: --rdf12 is for --to ntriples\n\nFor more information, try '--help'.");
            return ExitCode::from(2);
        }
        let graph = match load(files, options) {
            Ok(graph) => graph,
            Err(error) => {
                report(&error);
                return ExitCode::FAILURE;
            }
        };
        let export = crate::export::Export {
            format: *to,
            // `-o -` is stdout, as for most tools.
            out: out.clone().filter(|p| p.as_os_str() != "-"),
            base: base.clone(),
            rdf12: *rdf12,
        };
        return match export_graph(&graph, &export, query.as_deref()) {
            Ok(()) => ExitCode::SUCCESS,
            Err(message) => {
                eprintln!("error: {message}");
                ExitCode::FAILURE
            }
        };
    }
    let graph = match load(&cli.files, options) {
        Ok(graph) => graph,
        Err(error) => {
            report(&error);
            return ExitCode::FAILURE;
        }
    };
    let mut runner = Runner::new(&graph, cli.format(), cli.bail);
    for query in &cli.queries {
        runner.run_text("<query>", query, false);
    }
    for script in &cli.scripts {
        match std::fs::read_to_string(script) {
            Ok(text) => runner.run_text(&script.display().to_string(), &text, true),
            Err(e) => {
                eprintln!("error: cannot read `{}`: {e}", script.display());
                runner.failed = true;
            }
        }
    }
    if cli.queries.is_empty() && cli.scripts.is_empty() {
        let stdin = io::stdin();
        if stdin.is_terminal() {
            let session = crate::repl::Session {
                graph,
                inputs: inputs(&cli.files),
                options,
                format: cli.format(),
                timer: false,
            };
            return crate::repl::run(session, !cli.no_readline);
        } else {
            runner.run_reader("<stdin>", stdin.lock());
        }
    }
    if runner.failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// Exports the graph, or the part of it that `query`'s answer touches. A
/// query's diagnostic is printed here; the message returned is for the rest.
pub fn export_graph(
    graph: &Graph,
    export: &crate::export::Export,
    query: Option<&str>,
) -> Result<(), String> {
    let Some(query) = query else {
        return crate::export::export(graph, export);
    };
    let mut sources = Sources::new();
    let file = sources.add("<query>", query);
    let answer = parse_query(file, 0, query).and_then(|q| eval::evaluate(graph, file, &q));
    match answer {
        Ok(answer) => {
            let (nodes, edges) = crate::export::touched(graph, &answer);
            crate::export::export(&graph.subgraph(&nodes, &edges), export)
        }
        Err(diagnostic) => {
            eprint!("{}", render(&sources, &diagnostic));
            Err("nothing was exported".into())
        }
    }
}

/// `ok: N entities, M relations, F facts`
pub fn summary(graph: &Graph) -> String {
    format!(
        "ok: {} entities, {} relations, {} facts",
        graph.entity_count(),
        graph.relation_count(),
        graph.fact_count()
    )
}

/// Runs queries one after another, printing answers on stdout and
/// diagnostics on stderr, and remembers whether any failed.
pub struct Runner<'g> {
    graph: &'g Graph,
    format: Format,
    bail: bool,
    pub failed: bool,
    /// Answers printed so far, to put a blank line between tables.
    answered: usize,
    /// stdout went away (`dossier ... | head`): stop quietly.
    closed: bool,
}

impl<'g> Runner<'g> {
    pub fn new(graph: &'g Graph, format: Format, bail: bool) -> Runner<'g> {
        Runner {
            graph,
            format,
            bail,
            failed: false,
            answered: 0,
            closed: false,
        }
    }

    fn stopped(&self) -> bool {
        self.closed || (self.bail && self.failed)
    }

    /// Runs each query of `text`: the whole text as one query, or, for a
    /// script, one a line, skipping blank and comment lines.
    pub fn run_text(&mut self, name: &str, text: &str, script: bool) {
        if self.stopped() {
            return;
        }
        if !script {
            let mut sources = Sources::new();
            let file = sources.add(name, text);
            self.run_one(&sources, file, 0, text);
            return;
        }
        for (number, line) in text.split('\n').enumerate() {
            let query = line.trim_end_matches('\r');
            if self.stopped() {
                return;
            }
            if is_blank(query) {
                continue;
            }
            // Each line its own source, numbered as in the script, so a
            // diagnostic costs its line, not the whole script.
            let mut sources = Sources::new();
            let file = sources.add_line(name, query, number);
            self.run_one(&sources, file, 0, query);
        }
    }

    /// Reads a script from `reader` a line at a time, answering each query
    /// before reading the next (so a pipe gets answers as it goes).
    pub fn run_reader(&mut self, name: &str, mut reader: impl BufRead) {
        let mut line = Vec::new();
        let mut number = 0;
        loop {
            line.clear();
            match reader.read_until(b'\n', &mut line) {
                Ok(0) => return,
                Ok(_) => {}
                Err(e) => {
                    eprintln!("error: cannot read {name}: {e}");
                    self.failed = true;
                    return;
                }
            }
            number += 1;
            if self.stopped() {
                return;
            }
            let text = String::from_utf8_lossy(&line);
            let query = text.trim_end_matches(['\n', '\r']);
            if is_blank(query) {
                continue;
            }
            // Line numbers in diagnostics: `<stdin>:7:3` points at the
            // seventh line.
            let mut sources = Sources::new();
            let file = sources.add_line(name, query, number - 1);
            self.run_one(&sources, file, 0, query);
        }
    }

    fn run_one(&mut self, sources: &Sources, file: usize, offset: usize, query: &str) {
        let parsed = parse_query(file, offset, query);
        let why = parsed.as_ref().is_ok_and(|q| q.why);
        let answer = parsed.and_then(|q| eval::evaluate(self.graph, file, &q));
        let mut stdout = io::stdout().lock();
        let result = match answer {
            Ok(answer) => {
                // Written as it is made (a large answer is not held twice),
                // through a buffer.
                let mut buffer = io::BufWriter::with_capacity(1 << 16, &mut stdout);
                let separated = if self.format == Format::Table && self.answered > 0 {
                    buffer.write_all(b"\n")
                } else {
                    Ok(())
                };
                self.answered += 1;
                separated
                    .and_then(|_| output::write(&mut buffer, self.graph, &answer, self.format, why))
                    .and_then(|_| buffer.flush())
            }
            Err(diagnostic) => {
                self.failed = true;
                eprint!("{}", render(sources, &diagnostic));
                if self.format == Format::Json {
                    let line = serde_json::json!({ "error": diagnostic.message });
                    writeln!(stdout, "{line}")
                } else {
                    Ok(())
                }
            }
        };
        if let Err(e) = result.and_then(|_| stdout.flush()) {
            // A closed pipe (`dossier ... | head`) stops quietly; any other
            // failure (a full disk, `> /dev/full`) is an error.
            self.closed = true;
            if e.kind() != io::ErrorKind::BrokenPipe {
                eprintln!("error: cannot write the answer to stdout: {e}");
                self.failed = true;
            }
        }
    }
}

fn is_blank(line: &str) -> bool {
    let t = line.trim();
    t.is_empty() || t.starts_with('#')
}

fn render(sources: &Sources, diagnostic: &Diagnostic) -> String {
    sources.render(std::slice::from_ref(diagnostic), color())
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

/// Colour on a terminal, unless `NO_COLOR` is set.
pub fn color() -> bool {
    io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// Prints load errors on stderr.
pub fn report(error: &LoadError) {
    let _ = io::stderr()
        .lock()
        .write_all(error.render(color()).as_bytes());
}

/// Prints a line on stdout; a closed pipe (`dossier ... | head`) is not an
/// error worth a message, but any other failure to write is.
fn print_line(line: &str) -> bool {
    let mut stdout = io::stdout().lock();
    match writeln!(stdout, "{line}").and_then(|_| stdout.flush()) {
        Ok(()) => true,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => true,
        Err(e) => {
            eprintln!("error: cannot write to stdout: {e}");
            false
        }
    }
}
