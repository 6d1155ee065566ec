//! The command line: arguments, and what each command prints.

use crate::build::{LoadError, Options};
use crate::graph::Graph;
use crate::output::{Format, Listing};
use crate::session::Control;
use clap::{Parser, Subcommand};
use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

/// Dossier: turn what you read into a knowledge graph you can question.
///
/// With no FILE, Dossier uses the bundled graph of data/koreas.kg. With no
/// -c or -f, it opens the shell on a terminal, or runs the commands piped
/// to it.
#[derive(Parser, Debug)]
#[command(
    name = "dossier",
    version,
    args_conflicts_with_subcommands = true,
    after_help = AFTER_HELP
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Relation files to load into one graph
    pub files: Vec<PathBuf>,

    /// Run a query or meta-command and print its answer (repeatable; -c and
    /// -f run in the order given)
    #[arg(short = 'c', long = "command", value_name = "QUERY")]
    pub queries: Vec<String>,

    /// Run the queries and meta-commands of SCRIPT (a query may span lines)
    #[arg(short = 'f', long = "file", value_name = "SCRIPT")]
    pub scripts: Vec<PathBuf>,

    /// Run QUERY in the shell before the first prompt (repeatable)
    #[arg(long = "cmd", value_name = "QUERY")]
    pub cmd: Vec<String>,

    /// Read FILE at shell start-up instead of the start-up file
    #[arg(long, value_name = "FILE")]
    pub init: Option<PathBuf>,

    /// Do not read the start-up file ($XDG_CONFIG_HOME/dossier/dossierrc or ~/.dossierrc)
    #[arg(long)]
    pub no_rc: bool,

    /// Write the answers of -c, -f and piped commands to FILE (atomically); `-` is stdout
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Bind $NAME in queries to VALUE, typed as in relation files (repeatable)
    #[arg(long = "param", value_name = "NAME=VALUE", value_parser = param)]
    pub params: Vec<(String, String)>,

    /// How to print answers
    #[arg(long, value_enum, default_value_t = Format::Table, conflicts_with_all = ["json", "csv"])]
    pub format: Format,

    /// Print answers as JSON, one document an answer (same as --format json)
    #[arg(long)]
    pub json: bool,

    /// Print answers as CSV (same as --format csv)
    #[arg(long, conflicts_with = "json")]
    pub csv: bool,

    /// No header rows in tables, CSV and tabs
    #[arg(short = 't', long = "no-header")]
    pub no_header: bool,

    /// A label column beside each column of entities in tables, CSV and
    /// tabs (as `.labels on`)
    #[arg(long)]
    pub labels: bool,

    /// Print each command before its answer
    #[arg(long)]
    pub echo: bool,

    /// Stop at the first query that fails
    #[arg(long)]
    pub bail: bool,

    /// When to colour: auto (on a terminal, unless NO_COLOR; CLICOLOR_FORCE forces it), always, never
    #[arg(long, value_enum, default_value_t = crate::diagnostic::ColorChoice::Auto, global = true)]
    pub color: crate::diagnostic::ColorChoice,

    /// In the shell, read plain lines without line editing (for terminals
    /// where editing misbehaves)
    #[arg(long)]
    pub no_readline: bool,

    /// Make names used without a declaration an error
    #[arg(long, global = true)]
    pub strict: bool,

    /// Make a quote not found in its source a warning, not an error (for
    /// work in progress)
    #[arg(long, global = true)]
    pub lenient_quotes: bool,

    /// Make warnings errors (an ambiguous quote, say)
    #[arg(long, global = true)]
    pub deny_warnings: bool,

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

const AFTER_HELP: &str = "\
Examples:
  dossier                                   open the shell on the bundled graph
  dossier data/world.kg -c '?x borders North_Korea'
  dossier -c '.mode json' -c 'path China ICC'
  echo 'neighbours China' | dossier data/world.kg --format jsonl
  dossier --param who=Russia -f queries.dq  a script reused with $who
  dossier export data/world.kg --to csv -o world-csv

Exit status: 0 when every command succeeded, 1 when a file could not be
loaded or a query failed, 2 for a command line Dossier cannot read, 101 for
an internal error (a bug: please report it).

The language: README.md, and docs/ in the source repository; `.help` in
the shell.";

/// `--param NAME=VALUE`.
fn param(text: &str) -> Result<(String, String), String> {
    let (name, value) = text
        .split_once('=')
        .ok_or("write NAME=VALUE, like `--param who=China`")?;
    let name = name.strip_prefix('$').unwrap_or(name);
    if !crate::value::has_identifier_shape(name) {
        return Err(format!("`{name}` is not a parameter name"));
    }
    crate::session::parse_value(value)?;
    Ok((name.to_string(), value.to_string()))
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Check relation files and print what they hold
    #[command(
        after_help = "Examples:\n  dossier check\n  dossier check data/world.kg\n  dossier check --strict notes.kg sources.kg"
    )]
    Check {
        /// Relation files to check (default: the bundled data/koreas.kg)
        files: Vec<PathBuf>,
        /// Fail (exit 1) when statements contradict each other, listing them
        #[arg(long)]
        conflicts: bool,
    },
    /// List the sources: what cites each, its quotes verified, and how much
    /// of its document they cover
    #[command(
        after_help = "Coverage is the share of the document's sentences that some quote overlaps.\n\nExamples:\n  dossier sources\n  dossier sources --uncited\n  dossier sources notes.kg --json"
    )]
    Sources {
        /// Relation files to load (default: the bundled data/koreas.kg)
        files: Vec<PathBuf>,
        /// List the sentences no quote touches, with their lines, instead
        #[arg(long)]
        uncited: bool,
        #[command(flatten)]
        print: ReportArgs,
    },
    /// Serve the graph's page live, with a query box; reload when the files change
    #[command(
        after_help = "GET / is the page, GET /api/graph the graph as the JSON export, POST /api/query a query's answer as --json prints it.\n\nExamples:\n  dossier serve\n  dossier serve notes.kg --port 8400"
    )]
    Serve {
        /// Relation files to serve (default: the bundled data/koreas.kg)
        files: Vec<PathBuf>,
        /// The port to listen on (0: any free one, said on stderr)
        #[arg(long, default_value_t = 8350)]
        port: u16,
        /// The address to listen on; another than loopback is warned about
        #[arg(long, default_value = "127.0.0.1")]
        bind: String,
        /// The longest a query may run, in milliseconds; it then answers
        /// what it found, marked partial
        #[arg(long, default_value_t = 5000, value_name = "MS")]
        time_limit: u64,
    },
    /// List the claims that fewer than two sources support
    #[command(
        after_help = "A claim is a subject, relation and object (or a fact), however many statements make it.\n\nExamples:\n  dossier claims\n  dossier claims data/koreas.kg notes.kg --csv"
    )]
    Claims {
        /// Relation files to load (default: the bundled data/koreas.kg)
        files: Vec<PathBuf>,
        #[command(flatten)]
        print: ReportArgs,
    },
    /// List the statements that contradict each other, a pair an entry
    #[command(
        after_help = "Two statements of one claim contradict when they give one key two values and their times (date, from, until) overlap. Exits 0 whether or not it finds any; `dossier check --conflicts` fails on one.\n\nExamples:\n  dossier conflicts\n  dossier conflicts notes.kg --json"
    )]
    Conflicts {
        /// Relation files to load (default: the bundled data/koreas.kg)
        files: Vec<PathBuf>,
        #[command(flatten)]
        print: ReportArgs,
    },
    /// Say what changed between two versions of a graph, as claims
    #[command(
        after_help = "OLD and NEW are relation files, folders (every .kg file under them), /dev/null, or files of git revisions (REV:PATH, read with git). A statement that only moved is no change; quotes are compared, not looked for in their documents. Exits 0 when both say the same, 1 when they differ, 2 on an error.\n\nAs git's diff driver for .kg files:\n  git config diff.dossier.command 'dossier diff --git'\n  echo '*.kg diff=dossier' >> .gitattributes\n\nExamples:\n  dossier diff old.kg new.kg\n  dossier diff HEAD~1:data/koreas.kg data/koreas.kg\n  dossier diff --json drafts/ final/"
    )]
    Diff {
        /// OLD and NEW (with --git, the seven arguments git passes)
        #[arg(required = true, num_args = 1.., value_name = "OLD NEW")]
        sides: Vec<String>,
        /// Print the changes as JSON
        #[arg(long)]
        json: bool,
        /// Be git's diff driver: take git's arguments (path old-file old-hex
        /// old-mode new-file new-hex new-mode) and exit 0
        #[arg(long)]
        git: bool,
    },
    /// Translate a query for Spark, DuckDB, LadybugDB (Cypher) or a SPARQL store
    #[command(
        after_help = "The last argument is the query; the files before it (default: the bundled graph) give its names and declarations. SQL reads the tables of `export --to parquet`, Cypher the same loaded by `--schema`, SPARQL the N-Triples export. What an engine cannot express is an error (exit 1).\n\nExamples:\n  dossier translate --to duckdb '?s member_of ?b'\n  dossier translate data/world.kg --to spark 'path North_Korea Germany via borders'\n  dossier translate --to cypher --schema"
    )]
    Translate(crate::query::translate::Args),
    /// Format relation files in their canonical layout, keeping comments
    Fmt(crate::fmt::Args),
    /// Serve editors the Language Server Protocol over stdio
    Lsp(crate::lsp::Args),
    /// Print a shell completion script
    #[command(
        after_help = "Examples:\n  dossier completions bash > ~/.local/share/bash-completion/completions/dossier\n  dossier completions zsh > ~/.zfunc/_dossier\n  dossier completions fish > ~/.config/fish/completions/dossier.fish"
    )]
    Completions {
        /// bash, zsh or fish
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff)
    #[command(
        after_help = "Examples:\n  dossier man | man -l -\n  dossier man > dossier.1\n  dossier man | gzip > /usr/local/share/man/man1/dossier.1.gz"
    )]
    Man,
    /// Export the graph (or what a query's answer touches)
    #[command(
        after_help = "Examples:\n  dossier export --to svg -o koreas.svg\n  dossier export data/world.kg --to ntriples --base http://example.org/kg/ -o world.nt\n  dossier export data/world.kg -q 'neighbours North_Korea' --to dot\n\nWhat each format carries: docs/exports.md in the source repository."
    )]
    Export {
        /// Files to load (default: the bundled data/koreas.kg)
        files: Vec<PathBuf>,
        /// The format to write
        #[arg(long = "to", value_enum)]
        to: crate::export::ExportFormat,
        /// Where to write (a folder for csv and parquet); without it, or with `-`, stdout
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

/// How `sources` and `claims` print.
#[derive(clap::Args, Debug)]
pub struct ReportArgs {
    /// How to print the list
    #[arg(long, value_enum, default_value_t = Format::Table, conflicts_with_all = ["json", "csv"])]
    format: Format,
    /// Print JSON (same as --format json)
    #[arg(long)]
    json: bool,
    /// Print CSV (same as --format csv)
    #[arg(long, conflicts_with = "json")]
    csv: bool,
    /// No header rows in tables, CSV and tabs
    #[arg(short = 't', long = "no-header")]
    no_header: bool,
}

impl ReportArgs {
    /// Prints `report` on stdout as asked.
    fn print(&self, report: &crate::output::Report) -> ExitCode {
        let format = match (self.json, self.csv) {
            (true, _) => Format::Json,
            (_, true) => Format::Csv,
            _ => self.format,
        };
        let view = crate::output::View {
            headers: !self.no_header,
            ..Default::default()
        };
        let mut bytes = Vec::new();
        let _ = crate::output::write_report(&mut bytes, report, format, &view);
        if print_line(String::from_utf8_lossy(&bytes).trim_end_matches('\n')) {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        }
    }
}

/// `--base`: an absolute IRI, or a usage error.
pub(crate) fn base_iri(text: &str) -> Result<String, String> {
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

/// A `-c` or `-f`, in the order given.
enum Step {
    Query(String),
    Script(PathBuf),
}

/// Reads the command line and runs it; returns the process's exit status.
pub fn main() -> ExitCode {
    use clap::{CommandFactory, FromArgMatches};
    let matches = Cli::command().get_matches();
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    // -c and -f run in the order given (as psql runs them).
    let mut steps: Vec<(usize, Step)> = Vec::new();
    if let Some(at) = matches.indices_of("queries") {
        steps.extend(
            at.zip(&cli.queries)
                .map(|(i, q)| (i, Step::Query(q.clone()))),
        );
    }
    if let Some(at) = matches.indices_of("scripts") {
        steps.extend(
            at.zip(&cli.scripts)
                .map(|(i, f)| (i, Step::Script(f.clone()))),
        );
    }
    steps.sort_by_key(|(i, _)| *i);
    run(cli, steps.into_iter().map(|(_, s)| s).collect())
}

pub use crate::diagnostic::color;
pub use crate::formats::export_answer as export_graph;
pub use crate::load::{BUNDLED_NAME, BUNDLED_TEXT, inputs, report};

/// Runs the command line and returns the process's exit status.
fn run(cli: Cli, steps: Vec<Step>) -> ExitCode {
    crate::diagnostic::set_color(cli.color);
    // The tests' way to check how `main` reports a panic: there is no
    // input that makes one (the fuzz targets look for them).
    if std::env::var_os("DOSSIER_TEST_PANIC").is_some() {
        panic!("DOSSIER_TEST_PANIC is set");
    }
    let options = Options {
        strict: cli.strict,
        progress: true,
        confine_includes: cli.confine_includes,
        lenient_quotes: cli.lenient_quotes,
        deny_warnings: cli.deny_warnings,
        unchecked_quotes: false,
        ..Options::default()
    };
    let limits = crate::query::eval::Limits {
        max_states: cli.max_states,
        max_rows: cli.max_rows,
    };
    match &cli.command {
        Some(Command::Completions { shell }) => {
            use clap::CommandFactory;
            let mut command = Cli::command();
            clap_complete::generate(*shell, &mut command, "dossier", &mut io::stdout());
            return ExitCode::SUCCESS;
        }
        Some(Command::Man) => {
            use clap::CommandFactory;
            let man = clap_mangen::Man::new(Cli::command());
            return match man.render(&mut io::stdout()) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("error: cannot write the manual page: {e}");
                    ExitCode::FAILURE
                }
            };
        }
        _ => {}
    }
    if let Some(Command::Serve {
        files,
        port,
        bind,
        time_limit,
    }) = &cli.command
    {
        let limit = std::time::Duration::from_millis(*time_limit);
        return crate::serve::run(files, bind, *port, limit, options);
    }
    if let Some(Command::Fmt(args)) = &cli.command {
        return crate::fmt::run(args);
    }
    if let Some(Command::Lsp(args)) = &cli.command {
        return crate::lsp::run(args);
    }
    if let Some(Command::Translate(args)) = &cli.command {
        let load = |files: &[PathBuf]| {
            load(files, options)
                .map(|(graph, _)| graph)
                .map_err(|error| report(&error))
                .ok()
        };
        return args.run(&load);
    }
    if let Some(Command::Diff { sides, json, git }) = &cli.command {
        return crate::diff::sides::run(sides, *json, *git, options);
    }
    if let Some(Command::Check { files, conflicts }) = &cli.command {
        return match load(files, options) {
            Ok((graph, warnings)) => {
                if !print_line(&summary(&graph, warnings)) {
                    return ExitCode::FAILURE;
                }
                if *conflicts {
                    let (list, n, cut) = crate::conflicts::report(&graph);
                    if n > 0 {
                        let mut bytes = Vec::new();
                        let view = crate::output::View::default();
                        let _ =
                            crate::output::write_report(&mut bytes, &list, Format::Table, &view);
                        eprint!("{}", String::from_utf8_lossy(&bytes));
                        let more = if cut { " (the first of more)" } else { "" };
                        let what = if n == 1 {
                            "contradiction"
                        } else {
                            "contradictions"
                        };
                        eprintln!("error: {n} {what}{more}; `dossier conflicts` lists them");
                        return ExitCode::FAILURE;
                    }
                }
                ExitCode::SUCCESS
            }
            Err(error) => {
                report(&error);
                ExitCode::FAILURE
            }
        };
    }
    let listing = match &cli.command {
        Some(Command::Claims { files, print }) => Some((files, print, Listing::Claims)),
        Some(Command::Conflicts { files, print }) => Some((files, print, Listing::Conflicts)),
        Some(Command::Sources {
            files,
            uncited,
            print,
        }) => Some((files, print, Listing::Sources { uncited: *uncited })),
        _ => None,
    };
    if let Some((files, print, listing)) = listing {
        return match load(files, options) {
            Ok((graph, _)) => print.print(&listing.report(&graph)),
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
            Ok((graph, _)) => graph,
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
        return match export_graph(&graph, &export, query.as_deref(), limits) {
            Ok(()) => ExitCode::SUCCESS,
            Err(message) => {
                eprintln!("error: {message}");
                ExitCode::FAILURE
            }
        };
    }
    let graph = match load(&cli.files, options) {
        Ok((graph, _)) => graph,
        Err(error) => {
            report(&error);
            return ExitCode::FAILURE;
        }
    };
    let settings = crate::session::Settings {
        format: cli.format(),
        headers: !cli.no_header,
        labels: cli.labels,
        bail: cli.bail,
        echo: cli.echo,
        limits,
        ..Default::default()
    };
    let mut session = crate::session::Session::new(graph, inputs(&cli.files), options, settings);
    for (name, value) in &cli.params {
        let value =
            crate::session::parse_value(value).expect("checked when the arguments were read");
        session.params.insert(name.clone(), value);
    }
    if let Some(out) = cli.output.as_ref().filter(|p| p.as_os_str() != "-") {
        session.output_to(Some(out.clone()));
    }
    let mut quit = false;
    for step in &steps {
        let control = match step {
            Step::Query(query) => session.run("<query>", 0, query),
            Step::Script(script) => match std::fs::read(script) {
                Ok(bytes) => {
                    let text = String::from_utf8_lossy(&bytes);
                    session.run_script(&script.display().to_string(), &text)
                }
                Err(e) => {
                    eprintln!("error: cannot read `{}`: {e}", script.display());
                    session.set_failed();
                    Control::Continue
                }
            },
        };
        if control == Control::Quit || session.stopped() {
            quit = true;
            break;
        }
    }
    if steps.is_empty() && !quit {
        let stdin = io::stdin();
        if stdin.is_terminal() {
            // The start-up file, then --cmd, then the prompt.
            let rc = match &cli.init {
                Some(file) => Some(file.clone()),
                None if cli.no_rc => None,
                None => start_up_file(),
            };
            session.interactive = true;
            if let Some(rc) = rc {
                match std::fs::read_to_string(&rc) {
                    Ok(text) => {
                        quit = session.run_script(&rc.display().to_string(), &text) == Control::Quit
                    }
                    Err(e) if cli.init.is_some() || e.kind() != io::ErrorKind::NotFound => {
                        eprintln!("error: cannot read `{}`: {e}", rc.display());
                    }
                    Err(_) => {}
                }
            }
            for command in &cli.cmd {
                if quit || session.run("--cmd", 0, command) == Control::Quit {
                    quit = true;
                    break;
                }
            }
            if quit {
                session.finish_output();
                return ExitCode::SUCCESS;
            }
            return crate::repl::run(session, !cli.no_readline);
        }
        for command in &cli.cmd {
            if session.run("--cmd", 0, command) == Control::Quit {
                quit = true;
                break;
            }
        }
        if !quit {
            session.run_reader("<stdin>", stdin.lock());
        }
    }
    session.finish_output();
    if session.failed() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// The shell's start-up file: `$XDG_CONFIG_HOME/dossier/dossierrc` when it
/// exists, else `~/.dossierrc`.
pub fn start_up_file() -> Option<PathBuf> {
    let var = |name: &str| {
        std::env::var_os(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    if let Some(config) = var("XDG_CONFIG_HOME").filter(|p| p.is_absolute()) {
        let file = config.join("dossier/dossierrc");
        if file.exists() {
            return Some(file);
        }
    }
    var("HOME").map(|home| home.join(".dossierrc"))
}

/// `ok: N entities, M relations, F facts`, and when the graph has quotes
/// or the load warned, `; Q quotes verified (K after normalising), ...,
/// W warnings`.
pub fn summary(graph: &Graph, warnings: usize) -> String {
    let mut line = format!(
        "ok: {} entities, {} relations, {} facts",
        graph.entity_count(),
        graph.relation_count(),
        graph.fact_count()
    );
    let q = graph.quote_counts();
    if q.total() > 0 || warnings > 0 {
        line.push_str(&format!("; {} verified", plural(q.verified, "quote")));
        if q.normalised > 0 {
            line.push_str(&format!(" ({} after normalising)", q.normalised));
        }
        if q.unchecked > 0 {
            line.push_str(&format!(", {} not checked", q.unchecked));
        }
        if q.unsourced > 0 {
            line.push_str(&format!(", {} unsourced", q.unsourced));
        }
        line.push_str(&format!(", {}", plural(warnings, "warning")));
    }
    line
}

fn plural(n: usize, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}

/// Loads the files, or the bundled graph when there are none; prints the
/// load's warnings on stderr and says how many there were.
pub fn load(files: &[PathBuf], options: Options) -> Result<(Graph, usize), LoadError> {
    let mut graph = Graph::new();
    let (_, warnings) = graph.load_with_warnings(&inputs(files), options)?;
    if !warnings.diagnostics.is_empty() {
        report(&warnings);
    }
    Ok((graph, warnings.diagnostics.len()))
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
