//! What `-c`, `-f`, standard input and the shell share: a graph, the
//! settings (`.mode`, `.headers`, `.bail`, ...), query parameters, and
//! where answers go; a command is a meta-command or a query, run the same
//! way wherever it comes from. Scripts and piped input are split into
//! commands by the shell's rules: a query goes on to the next line while a
//! quote, backtick, brace or parenthesis is open or its line ends in `,`.

mod commands;
pub mod describe;
pub mod help;
pub mod meta;

use crate::build::{Input, Options};
use crate::diagnostic::{Diagnostic, Sources};
use crate::graph::Graph;
use crate::output::{self, Format};
use crate::query::eval;
use crate::query::parse::{Params, parse_query_with};
use crate::value::Value;
use commands::Commands;
pub use commands::script_commands;
use meta::{Meta, parse_meta};
use std::io::{self, BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::time::Instant;

/// How `.read` scripts may nest (a script that reads itself stops here).
const MAX_READ_DEPTH: usize = 64;

/// What the settings commands set.
#[derive(Debug, Clone)]
pub struct Settings {
    pub format: Format,
    /// Header rows in tables, CSV and tab-separated output.
    pub headers: bool,
    /// A label column beside each column of entities (`.labels on`).
    pub labels: bool,
    /// Stop at the first failure.
    pub bail: bool,
    /// Print each command before its answer.
    pub echo: bool,
    pub timer: bool,
    /// The widest a table may be on a terminal: `None` the terminal's
    /// width, `Some(0)` no limit.
    pub max_width: Option<usize>,
    /// Long answers on a terminal through `$PAGER` (`less -S`).
    pub pager: bool,
    /// `--max-states`, `--max-rows`.
    pub limits: eval::Limits,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            format: Format::Table,
            headers: true,
            labels: false,
            bail: false,
            echo: false,
            timer: false,
            max_width: None,
            pager: true,
            limits: eval::Limits::default(),
        }
    }
}

/// Whether to go on after a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Control {
    Continue,
    Quit,
}

/// Where answers go.
enum Target {
    Stdout,
    /// `.output FILE` or `-o FILE`: gathered, then written atomically
    /// when the output changes or the session ends.
    File {
        path: PathBuf,
        bytes: Vec<u8>,
    },
}

/// Where answers go, and whether writing them failed.
struct Sink {
    target: Target,
    /// `.once FILE`: the next answer only.
    once: Option<PathBuf>,
    /// stdout went away (`dossier ... | head`): stop quietly.
    closed: bool,
    /// A write failed.
    failed: bool,
}

pub struct Session {
    pub graph: Graph,
    /// Everything loaded, in order, for `.reload`.
    pub inputs: Vec<Input>,
    pub options: Options,
    pub settings: Settings,
    pub params: Params,
    sink: Sink,
    /// Some command failed (the exit status is 1).
    failed: bool,
    /// Answers printed so far, to put a blank line between tables.
    answered: usize,
    /// `.read` scripts being run.
    depth: usize,
    /// The shell: a failure never stops it.
    pub interactive: bool,
}

impl Session {
    pub fn new(graph: Graph, inputs: Vec<Input>, options: Options, settings: Settings) -> Session {
        Session {
            graph,
            inputs,
            options,
            settings,
            params: Params::new(),
            sink: Sink {
                target: Target::Stdout,
                once: None,
                closed: false,
                failed: false,
            },
            failed: false,
            answered: 0,
            depth: 0,
            interactive: false,
        }
    }

    /// Whether some command failed (the exit status is then 1).
    pub fn failed(&self) -> bool {
        self.failed || self.sink.failed
    }

    /// Marks the session failed (a file given on the command line could
    /// not be read, say).
    pub fn set_failed(&mut self) {
        self.failed = true;
    }

    /// Whether to stop: stdout closed, or a failure under `.bail on`.
    pub fn stopped(&self) -> bool {
        self.sink.closed || (self.settings.bail && self.failed() && !self.interactive)
    }

    /// Sends later answers to `path` (`-o FILE`, `.output FILE`), or to
    /// stdout again with `None`.
    pub fn output_to(&mut self, path: Option<PathBuf>) {
        self.finish_output();
        self.answered = 0;
        if let Some(path) = path {
            self.sink.target = Target::File {
                path,
                bytes: Vec::new(),
            };
        }
    }

    /// Writes what `.output FILE` gathered. Call at the end of a session.
    pub fn finish_output(&mut self) {
        if let Target::File { path, bytes } =
            std::mem::replace(&mut self.sink.target, Target::Stdout)
            && let Err(e) = crate::files::write_file(&path, &bytes)
        {
            eprintln!("error: {e}");
            self.failed = true;
        }
    }

    /// Runs one command: a meta-command or a query. `name` and
    /// `lines_before` say where it was written, for diagnostics.
    pub fn run(&mut self, name: &str, lines_before: usize, text: &str) -> Control {
        if self.stopped() {
            return Control::Quit;
        }
        if self.settings.echo {
            let echoed = format!("{}\n", text.trim_end());
            self.emit(echoed.as_bytes());
        }
        match parse_meta(text) {
            Some(Ok(Meta::Quit)) => Control::Quit,
            Some(Ok(meta)) => self.meta(meta, name, lines_before),
            Some(Err(message)) => {
                self.fail(name, lines_before, &message);
                Control::Continue
            }
            None => {
                self.query(name, lines_before, text);
                Control::Continue
            }
        }
    }

    /// A failed command: its message, with where it was written in a
    /// script.
    fn fail(&mut self, name: &str, lines_before: usize, message: &str) {
        self.failed = true;
        if self.interactive && self.depth == 0 {
            eprintln!("error: {message}");
        } else {
            eprintln!("error: {name}:{}: {message}", lines_before + 1);
        }
    }

    /// Runs each command of a script's text.
    pub fn run_script(&mut self, name: &str, text: &str) -> Control {
        self.run_reader(name, text.as_bytes())
    }

    /// Reads a script from `reader` a line at a time, running each command
    /// as soon as it is whole (so a pipe gets answers as it goes).
    pub fn run_reader(&mut self, name: &str, mut reader: impl BufRead) -> Control {
        let mut commands = Commands::default();
        let mut line = Vec::new();
        let mut number = 0;
        loop {
            line.clear();
            match reader.read_until(b'\n', &mut line) {
                Ok(0) => break,
                Ok(_) => {}
                Err(e) => {
                    eprintln!("error: cannot read {name}: {e}");
                    self.failed = true;
                    return Control::Quit;
                }
            }
            let text = String::from_utf8_lossy(&line);
            let text = text.trim_end_matches(['\n', '\r']);
            if let Some((first, command)) = commands.push(number, text)
                && self.run(name, first, &command) == Control::Quit
            {
                return Control::Quit;
            }
            number += 1;
        }
        match commands.finish() {
            Some((first, command)) => self.run(name, first, &command),
            None => Control::Continue,
        }
    }

    /// Runs a query and writes its answer.
    fn query(&mut self, name: &str, lines_before: usize, text: &str) {
        let start = Instant::now();
        let mut sources = Sources::new();
        let file = sources.add_line(name, text, lines_before);
        let parsed = parse_query_with(file, 0, text, &self.params);
        let why = parsed.as_ref().is_ok_and(|q| q.why);
        let answer =
            parsed.and_then(|q| eval::evaluate_with(&self.graph, file, &q, self.settings.limits));
        match answer {
            Ok(answer) => {
                let view = output::View {
                    headers: self.settings.headers,
                    max_width: self.table_width(),
                    labels: self.settings.labels,
                };
                // A blank line between answers to one place, not at the
                // top of a `.once` or `.output` file.
                let separate = self.answered > 0
                    && self.sink.once.is_none()
                    && matches!(
                        self.settings.format,
                        Format::Table | Format::Box | Format::Markdown | Format::Line
                    );
                if self.sink.once.is_none() {
                    self.answered += 1;
                }
                let format = self.settings.format;
                let graph = &self.graph;
                self.sink.emit_with(self.settings.pager, |out| {
                    if separate {
                        out.write_all(b"\n")?;
                    }
                    output::write_view(out, graph, &answer, format, why, &view)
                });
            }
            Err(diagnostic) => {
                self.failed = true;
                eprint!("{}", render(&sources, &diagnostic));
                if self.settings.format == Format::Json {
                    let line = format!("{}\n", serde_json::json!({ "error": diagnostic.message }));
                    self.emit(line.as_bytes());
                }
            }
        }
        if self.settings.timer {
            let line = format!("time: {:.3} ms\n", start.elapsed().as_secs_f64() * 1000.0);
            self.emit(line.as_bytes());
        }
    }

    /// How wide a table may be: the setting, or the terminal's width when
    /// answers go to a terminal.
    fn table_width(&self) -> Option<usize> {
        match (self.settings.max_width, &self.sink.target, &self.sink.once) {
            (Some(0), _, _) => None,
            (Some(n), _, _) => Some(n),
            (None, Target::Stdout, None) if io::stdout().is_terminal() => {
                terminal_size().map(|(w, _)| w)
            }
            _ => None,
        }
    }

    fn emit(&mut self, bytes: &[u8]) {
        self.sink
            .emit_with(self.settings.pager, |out| out.write_all(bytes));
    }

    fn meta(&mut self, meta: Meta, name: &str, lines_before: usize) -> Control {
        match meta {
            Meta::Quit => return Control::Quit,
            Meta::Help(topic) => {
                let text = help::help(topic.as_deref());
                self.emit(text.as_bytes());
            }
            Meta::Load(files) => self.load(&files),
            Meta::Reload(verbose) => self.reload(verbose),
            Meta::Mode(format) => self.settings.format = format,
            Meta::Timer(on) => self.settings.timer = on,
            Meta::Headers(on) => self.settings.headers = on,
            Meta::Labels(on) => self.settings.labels = on,
            Meta::Bail(on) => self.settings.bail = on,
            Meta::Echo(on) => self.settings.echo = on,
            Meta::Pager(on) => self.settings.pager = on,
            Meta::MaxWidth(n) => self.settings.max_width = Some(n),
            Meta::Stats => {
                let text = describe::stats(&self.graph);
                self.emit(text.as_bytes());
            }
            Meta::Schema => {
                let text = describe::schema(&self.graph);
                self.emit(text.as_bytes());
            }
            Meta::List(listing) => {
                let report = listing.report(&self.graph);
                let view = output::View {
                    headers: self.settings.headers,
                    max_width: self.table_width(),
                    labels: self.settings.labels,
                };
                let format = self.settings.format;
                self.sink.emit_with(self.settings.pager, |out| {
                    output::write_report(out, &report, format, &view)
                });
            }
            Meta::Print(text) => self.emit(format!("{text}\n").as_bytes()),
            Meta::Export {
                format,
                file,
                query,
            } => {
                let export = crate::export::Export {
                    format,
                    out: Some(PathBuf::from(&file)),
                    base: crate::export::DEFAULT_BASE.into(),
                    rdf12: false,
                };
                match crate::formats::export_answer(
                    &self.graph,
                    &export,
                    query.as_deref(),
                    self.settings.limits,
                ) {
                    Ok(()) => eprintln!("wrote {file}"),
                    Err(message) => self.fail(name, lines_before, &message),
                }
            }
            Meta::Read(file) => {
                if self.depth >= MAX_READ_DEPTH {
                    self.fail(
                        name,
                        lines_before,
                        &format!(".read nests more than {MAX_READ_DEPTH} scripts deep (does `{file}` read itself?)"),
                    );
                    return Control::Continue;
                }
                match std::fs::read_to_string(&file) {
                    Ok(text) => {
                        self.depth += 1;
                        let control = self.run_script(&file, &text);
                        self.depth -= 1;
                        return control;
                    }
                    Err(e) => self.fail(name, lines_before, &format!("cannot read `{file}`: {e}")),
                }
            }
            Meta::Output(file) => self.output_to(file.map(PathBuf::from)),
            Meta::Once(file) => self.sink.once = Some(PathBuf::from(file)),
            Meta::Shell(command) => {
                let _ = io::stdout().flush();
                match std::process::Command::new("sh")
                    .arg("-c")
                    .arg(&command)
                    .status()
                {
                    Ok(status) if status.success() => {}
                    Ok(status) => eprintln!("note: `{command}` ended with {status}"),
                    Err(e) => self.fail(name, lines_before, &format!("cannot run `sh`: {e}")),
                }
            }
            Meta::Cd(dir) => {
                if let Err(e) = std::env::set_current_dir(&dir) {
                    self.fail(
                        name,
                        lines_before,
                        &format!("cannot change to `{dir}`: {e}"),
                    );
                }
            }
            Meta::ParamSet(key, text) => match parse_value(&text) {
                Ok(value) => {
                    self.params.insert(key, value);
                }
                Err(message) => self.fail(name, lines_before, &message),
            },
            Meta::ParamUnset(key) => {
                if self.params.remove(&key).is_none() {
                    self.fail(
                        name,
                        lines_before,
                        &format!("the parameter `${key}` is not set"),
                    );
                }
            }
            Meta::ParamClear => self.params.clear(),
            Meta::ParamList => {
                let rows: Vec<Vec<String>> = self
                    .params
                    .iter()
                    .map(|(k, v)| vec![format!("${k}"), v.to_string(), v.type_name().to_string()])
                    .collect();
                let mut out = Vec::new();
                let _ = output::aligned(&mut out, &["parameter", "value", "type"], &rows);
                self.emit(&out);
            }
        }
        Control::Continue
    }

    fn load(&mut self, files: &[String]) {
        let inputs: Vec<Input> = files
            .iter()
            .map(|f| Input::Path(PathBuf::from(f)))
            .collect();
        let start = Instant::now();
        match self.graph.load_with_warnings(&inputs, self.options) {
            Ok((added, warnings)) => {
                if !warnings.diagnostics.is_empty() {
                    crate::load::report(&warnings);
                }
                self.inputs.extend(inputs);
                eprintln!(
                    "loaded {}: {}",
                    files.join(", "),
                    describe::changes(&[
                        ("entity", added.entities, 0, 0),
                        ("relation", added.relations, 0, 0),
                        ("fact", added.facts, 0, 0)
                    ])
                );
            }
            Err(error) => {
                crate::load::report(&error);
                eprintln!("nothing was loaded; the graph is as it was");
                self.failed = true;
            }
        }
        if self.settings.timer {
            eprintln!("time: {:.3} ms", start.elapsed().as_secs_f64() * 1000.0);
        }
    }

    fn reload(&mut self, verbose: bool) {
        let mut graph = Graph::new();
        match graph.load_with_warnings(&self.inputs, self.options) {
            Ok((_, warnings)) => {
                if !warnings.diagnostics.is_empty() {
                    crate::load::report(&warnings);
                }
                let changes = crate::diff::diff(&self.graph, &graph);
                if verbose && !changes.is_empty() {
                    let same = |f: &str| f.to_string();
                    let text = crate::diff::text(&changes, &self.graph, &graph, &same, &same);
                    // Everything but the summary, which follows.
                    let detail = text.trim_end().rsplit_once('\n').map_or("", |(d, _)| d);
                    self.emit(format!("{}\n", crate::output::escape_controls(detail)).as_bytes());
                }
                let summary = describe::reload_changes(&changes);
                self.graph = graph;
                eprintln!("reloaded: {summary}");
            }
            Err(error) => {
                crate::load::report(&error);
                eprintln!("nothing was reloaded; the graph is as it was");
                self.failed = true;
            }
        }
    }
}

impl Sink {
    /// Writes through `write` to where answers go now.
    fn emit_with(&mut self, pager: bool, write: impl FnOnce(&mut dyn Write) -> io::Result<()>) {
        if let Some(path) = self.once.take() {
            let mut bytes = Vec::new();
            let _ = write(&mut bytes);
            if let Err(e) = crate::files::write_file(&path, &bytes) {
                eprintln!("error: {e}");
                self.failed = true;
            }
            return;
        }
        if let Target::File { bytes, .. } = &mut self.target {
            let _ = write(bytes);
            return;
        }
        let mut stdout = io::stdout().lock();
        let result = if pager && stdout.is_terminal() {
            let mut bytes = Vec::new();
            let _ = write(&mut bytes);
            drop(stdout);
            page(&bytes)
        } else {
            // Written as it is made (a large answer is not held twice),
            // through a buffer.
            let mut buffer = io::BufWriter::with_capacity(1 << 16, &mut stdout);
            write(&mut buffer).and_then(|_| buffer.flush())
        };
        if let Err(e) = result.and_then(|_| io::stdout().flush()) {
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

/// A parameter's value, typed as a relation file types it: `China`,
/// `"North Korea"`, `42`, `2.5`, `2014-11-18`, `true`.
pub fn parse_value(text: &str) -> Result<Value, String> {
    let text = text.trim();
    let line = format!("_ _ {{v: {text}}}");
    let mut value = None;
    crate::parse::parse_text(0, &line, |_, item| {
        if let Ok(crate::ast::Item::Statement(s)) = item
            && let [attr] = s.attrs.as_slice()
        {
            value = Some(owned(&attr.value));
        }
    });
    value.ok_or_else(|| {
        format!(
            "`{text}` is not a value: write a name (China), a \"string\", a number, a date (2014-11-18), true or false"
        )
    })
}

fn owned(v: &crate::ast::Value<'_>) -> Value {
    use crate::ast::Value as A;
    match v {
        A::Int(i) => Value::Int(*i),
        A::Dec(d) => Value::Dec(*d),
        A::Str(s) => Value::Str(s.as_ref().into()),
        A::Date(d) => Value::Date(*d),
        A::Bool(b) => Value::Bool(*b),
        A::Name(n) => Value::Name(n.as_ref().into()),
    }
}

fn render(sources: &Sources, diagnostic: &Diagnostic) -> String {
    sources.render(std::slice::from_ref(diagnostic), crate::diagnostic::color())
}

/// The terminal's columns and rows, when stdout is one.
pub fn terminal_size() -> Option<(usize, usize)> {
    use std::os::fd::AsRawFd;
    let mut size: libc::winsize = unsafe { std::mem::zeroed() };
    // SAFETY: TIOCGWINSZ writes a `winsize` into the one we pass.
    let ok = unsafe { libc::ioctl(io::stdout().as_raw_fd(), libc::TIOCGWINSZ, &mut size) } == 0;
    (ok && size.ws_col > 0 && size.ws_row > 0)
        .then_some((size.ws_col as usize, size.ws_row as usize))
}

/// Shows `bytes` on the terminal, through a pager when they are taller
/// than it: `$PAGER` (an empty one: none), else `less -S` (long lines are
/// scrolled, not folded), else straight.
fn page(bytes: &[u8]) -> io::Result<()> {
    let lines = bytes.iter().filter(|&&b| b == b'\n').count();
    let tall = terminal_size().is_some_and(|(_, rows)| lines >= rows);
    let pager = match std::env::var("PAGER") {
        Ok(p) if p.trim().is_empty() => None,
        Ok(p) => Some(p),
        Err(_) => Some("less -S".to_string()),
    };
    if let (true, Some(pager)) = (tall, pager) {
        let child = std::process::Command::new("sh")
            .arg("-c")
            .arg(&pager)
            .env(
                "LESS",
                std::env::var("LESS").unwrap_or_else(|_| "FRX".into()),
            )
            .stdin(std::process::Stdio::piped())
            .spawn();
        if let Ok(mut child) = child {
            if let Some(mut stdin) = child.stdin.take() {
                // The pager may be left before it read everything.
                let _ = stdin.write_all(bytes);
            }
            let _ = child.wait();
            return Ok(());
        }
    }
    let mut stdout = io::stdout().lock();
    stdout.write_all(bytes)?;
    stdout.flush()
}

/// Whether `text` is an unfinished query that goes on on the next line:
/// an open quote, backtick, brace or parenthesis, or a trailing `,`.
pub fn incomplete(text: &str) -> bool {
    let mut quote = false;
    let mut backtick = false;
    let mut escaped = false;
    let mut comment = false;
    let mut braces = 0i32;
    // The text without its comments, to see what the query ends with.
    let mut code = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' if comment => comment = false,
            _ if comment => continue,
            _ if escaped => escaped = false,
            '\\' if quote => escaped = true,
            '"' if !backtick => quote = !quote,
            '`' if !quote => backtick = !backtick,
            '#' if !quote && !backtick => {
                comment = true;
                continue;
            }
            '{' | '(' if !quote && !backtick => braces += 1,
            '}' | ')' if !quote && !backtick => braces -= 1,
            _ => {}
        }
        code.push(c);
    }
    quote
        || backtick
        || braces > 0
        || (code.trim_end().ends_with(',') && !code.trim_start().starts_with('.'))
}
