//! `dossier translate --to spark|duckdb|cypher|sparql QUERY`: a query of
//! Dossier's language as the same question for another engine, over the
//! tables of `dossier export --to parquet` (SQL), the graph loaded into
//! LadybugDB (Cypher) or the N-Triples export (SPARQL).
//!
//! The files give the names and declarations: names are checked as a query
//! checks them, and relation declarations (symmetric, inverse, transitive)
//! are compiled into the query, through the automaton Dossier itself runs
//! ([`super::rpq`]), so every path expression and declaration reads the
//! same way in every engine. What an engine cannot express is an error
//! naming the part and the reason, never a query that answers something
//! else.

mod cypher;
mod sparql;
mod sql;

use super::ast::{Direction, PathExpr, Query, QueryLine};
use super::eval::{Eval, Limits};
use super::plan::{Plan, Slot};
use super::rpq::Nfa;
use crate::diagnostic::{Diagnostic, FileId};
use crate::graph::{Graph, Sym};
use crate::parse::PResult;

/// The engines `translate` writes for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Engine {
    /// Spark SQL over the Parquet tables
    Spark,
    /// DuckDB SQL over the Parquet tables
    Duckdb,
    /// Cypher for LadybugDB (and Kuzu), over the Parquet tables loaded by `--schema`
    Cypher,
    /// SPARQL 1.1 over the N-Triples export
    Sparql,
}

impl Engine {
    pub fn name(self) -> &'static str {
        match self {
            Engine::Spark => "Spark SQL",
            Engine::Duckdb => "DuckDB",
            Engine::Cypher => "Cypher",
            Engine::Sparql => "SPARQL",
        }
    }
}

/// How deep a recursion may go where an engine needs a bound (Spark's
/// recursive queries, shortest paths in SQL, Cypher's variable lengths).
pub const DEFAULT_MAX_DEPTH: u32 = 32;

/// What a translation needs besides the query.
pub struct Options {
    pub engine: Engine,
    pub max_depth: u32,
    /// N-Triples' IRI prefix, for SPARQL.
    pub base: String,
}

/// The query `line` (written in `file`) for `options.engine`, or an error
/// pointing into the query.
pub fn translate(
    graph: &Graph,
    file: FileId,
    text: &str,
    line: &QueryLine,
    options: &Options,
) -> PResult<String> {
    let whole = crate::ast::Span {
        start: 0,
        end: text.len(),
    };
    let eval = Eval {
        graph,
        file,
        start: super::eval::query_start(&line.query),
        as_of: line.as_of,
        limits: Limits::default(),
    };
    let refuse = |span, what: &str, why: String| -> PResult<String> {
        Err(Box::new(
            Diagnostic::at(
                file,
                span,
                format!("{} cannot express {what}", options.engine.name()),
            )
            .label(what.to_string())
            .help(why),
        ))
    };
    if line.why {
        return refuse(
            whole,
            "`why`",
            "a translated query answers the rows; the statements behind them are in the \
             `statements` and `evidence` tables (`dossier translate` without `why`)"
                .into(),
        );
    }
    let t = Translation {
        text,
        eval: &eval,
        graph,
        options,
        as_of: line.as_of,
    };
    let question = t.question(&line.query)?;
    let body = match options.engine {
        Engine::Spark | Engine::Duckdb => sql::sql(&t, &question),
        Engine::Sparql => sparql::sparql(&t, &question),
        Engine::Cypher => cypher::cypher(&t, &question),
    };
    body.or_else(|(span, what, why)| refuse(span.unwrap_or(whole), &what, why))
}

/// A refusal: where (the whole query when `None`), what, and why.
pub(super) type Refusal = (Option<crate::ast::Span>, String, String);

/// A query resolved against the graph: names checked, relations and
/// declarations compiled.
pub(super) enum Question {
    Pattern {
        plan: Plan,
        /// The pattern as written (SPARQL keeps its path expressions).
        pattern: super::ast::Pattern,
        count: bool,
    },
    Neighbours {
        entity: String,
        direction: Direction,
        via: Via,
        depth: u32,
    },
    Path {
        from: String,
        to: String,
        forward: bool,
        via: Via,
    },
    Paths {
        from: String,
        to: String,
        forward: bool,
        via: Via,
        max: u32,
        limit: u32,
    },
}

/// What a neighbourhood or path search may follow.
pub(super) enum Via {
    /// Every relation (`None`) or these, with the steps declarations add.
    Relations(Option<Vec<Sym>>),
    /// A path expression, as its automaton.
    Expression(Nfa),
}

pub(super) struct Translation<'a, 'g> {
    /// The query as written.
    pub text: &'a str,
    pub eval: &'a Eval<'g>,
    pub graph: &'g Graph,
    pub options: &'a Options,
    pub as_of: Option<crate::value::Date>,
}

impl<'g> Translation<'_, 'g> {
    fn question(&self, query: &Query) -> PResult<Question> {
        let e = self.eval;
        let name = |n: &super::ast::Name| -> PResult<String> {
            Ok(self.graph.entity(e.entity(n)?).name.to_string())
        };
        let via = |via: &[PathExpr]| -> PResult<Via> {
            if via.iter().any(|v| v.relation().is_none()) {
                let expr = if via.len() == 1 {
                    via[0].clone()
                } else {
                    PathExpr::Alternative(via.to_vec())
                };
                return Ok(Via::Expression(e.automaton(&expr)?));
            }
            let set = e.relations(via)?;
            Ok(Via::Relations(set.map(|s| {
                let mut list: Vec<Sym> = s.into_iter().collect();
                list.sort_by_key(|r| self.graph.relations.name(*r));
                list
            })))
        };
        Ok(match query {
            Query::Pattern(p) => Question::Pattern {
                plan: Plan::new(e, p)?,
                pattern: p.clone(),
                count: false,
            },
            Query::Count(p) => Question::Pattern {
                plan: Plan::new(e, p)?,
                pattern: p.clone(),
                count: true,
            },
            Query::Neighbours {
                entity,
                direction,
                via: v,
                depth,
            } => Question::Neighbours {
                entity: name(entity)?,
                direction: *direction,
                via: via(v)?,
                depth: *depth,
            },
            Query::Path {
                from,
                to,
                forward,
                via: v,
            } => Question::Path {
                from: name(from)?,
                to: name(to)?,
                forward: *forward,
                via: via(v)?,
            },
            Query::Paths {
                from,
                to,
                forward,
                via: v,
                max,
                limit,
            } => Question::Paths {
                from: name(from)?,
                to: name(to)?,
                forward: *forward,
                via: via(v)?,
                max: *max,
                limit: *limit,
            },
            Query::Show(n) => {
                return Err(Box::new(
                    Diagnostic::at(e.file, n.span, "`show` is not translated")
                        .label("an entity card")
                        .help("its parts are rows of the tables: `entities`, `attributes`, and `statements` where the entity is the subject or object"),
                ));
            }
            Query::Find { text, .. } => {
                return Err(Box::new(
                    Diagnostic::at(e.file, text.span, "`find` is not translated")
                        .label("Dossier's own word index")
                        .help("each engine has its own text search (Spark's `LIKE`, DuckDB's full-text extension); `find` ranks by Dossier's normalised words"),
                ));
            }
        })
    }

    pub fn relation(&self, r: Sym) -> &'g str {
        self.graph.relations.name(r)
    }

    pub fn entity_name(&self, slot: &Slot<petgraph::graph::NodeIndex>) -> Option<&'g str> {
        match slot {
            Slot::Fixed(n) => Some(&self.graph.entity(*n).name),
            Slot::Var(_) => None,
        }
    }

    /// What declarations add to a search that follows `via` (every
    /// relation when `None`): the symmetric relations, and each relation
    /// with its inverse.
    pub fn declared(&self, via: Option<&[Sym]>) -> (Vec<Sym>, Vec<(Sym, Sym)>) {
        let g = self.graph;
        let wanted = |r: Sym| via.is_none_or(|v| v.contains(&r));
        let in_use: Vec<Sym> = g
            .relations
            .iter()
            .map(|(s, _)| s)
            .filter(|&s| g.relation_in_use(s))
            .collect();
        let symmetric = in_use
            .iter()
            .copied()
            .filter(|&r| g.symmetric(r) && wanted(r))
            .collect();
        let inverses = in_use
            .iter()
            .filter_map(|&r| g.inverse(r).map(|v| (r, v)))
            .filter(|&(_, v)| wanted(v))
            .collect();
        (symmetric, inverses)
    }

    /// The types the values of attribute key `k` have in the graph.
    pub fn key_types(&self, k: Sym) -> Vec<&'static str> {
        let mut types: Vec<&'static str> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for set in self.graph.item_attrs() {
            if !seen.insert(set) {
                continue;
            }
            for (key, v) in self.graph.attrs(set) {
                let t = crate::formats::parquet::type_name(v);
                if *key == k && !types.contains(&t) {
                    types.push(t);
                }
            }
        }
        types.sort_unstable();
        types
    }
}

/// A comparison's operator; `ne` is the engine's "not equal".
pub(super) fn operator(op: super::ast::Op, ne: &'static str) -> &'static str {
    use super::ast::Op;
    match op {
        Op::Eq => "=",
        Op::Ne => ne,
        Op::Lt => "<",
        Op::Le => "<=",
        Op::Gt => ">",
        Op::Ge => ">=",
    }
}

/// An automaton without empty moves: from each state, the moves of the
/// states its empty moves reach.
pub(super) struct Moves {
    pub start: usize,
    /// (from, relation stored, read forwards, to, relation reported, derived)
    pub moves: Vec<(usize, Sym, bool, usize, Sym, bool)>,
    pub accepting: Vec<usize>,
}

impl Moves {
    pub fn new(nfa: &Nfa) -> Moves {
        let n = nfa.moves.len();
        let closure = |s: usize| {
            let mut seen = vec![false; n];
            let mut stack = vec![s];
            seen[s] = true;
            while let Some(u) = stack.pop() {
                for (label, v) in &nfa.moves[u] {
                    if label.is_none() && !seen[*v] {
                        seen[*v] = true;
                        stack.push(*v);
                    }
                }
            }
            seen
        };
        // The states worth keeping: the start and every labelled move's end.
        let mut keep = vec![nfa.start];
        for list in &nfa.moves {
            for (label, v) in list {
                if label.is_some() && !keep.contains(v) {
                    keep.push(*v);
                }
            }
        }
        keep.sort_unstable();
        let number = |s: usize| keep.iter().position(|k| *k == s).expect("a kept state");
        let mut moves = Vec::new();
        let mut accepting = Vec::new();
        for &s in &keep {
            let reach = closure(s);
            if reach[nfa.accept] {
                accepting.push(number(s));
            }
            for (u, r) in reach.iter().enumerate() {
                if !r {
                    continue;
                }
                for (label, v) in &nfa.moves[u] {
                    if let Some(l) = label {
                        let m = (
                            number(s),
                            l.relation,
                            l.forward,
                            number(*v),
                            l.reported,
                            l.derived,
                        );
                        if !moves.contains(&m) {
                            moves.push(m);
                        }
                    }
                }
            }
        }
        Moves {
            start: number(nfa.start),
            moves,
            accepting,
        }
    }
}

/// `dossier translate`'s arguments.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// [FILE]... QUERY
    #[arg(value_name = "FILE... QUERY")]
    args: Vec<String>,
    /// The engine to write for
    #[arg(long = "to", value_enum)]
    to: Engine,
    /// Print the statements that load the Parquet tables into LadybugDB (with --to cypher)
    #[arg(long)]
    schema: bool,
    /// The most steps a recursion takes where an engine needs a bound
    #[arg(long, default_value_t = DEFAULT_MAX_DEPTH, value_name = "N")]
    max_depth: u32,
    /// The IRI prefix of the N-Triples export, for SPARQL
    #[arg(long, default_value = crate::export::DEFAULT_BASE, value_parser = crate::cli::base_iri)]
    base: String,
}

impl Args {
    /// `dossier translate [FILE]... QUERY`, or `--schema`: loads the files
    /// with `load` (which reports a failure) and prints the translation.
    pub fn run(
        &self,
        load: &dyn Fn(&[std::path::PathBuf]) -> Option<Graph>,
    ) -> std::process::ExitCode {
        let options = Options {
            engine: self.to,
            max_depth: self.max_depth,
            base: self.base.clone(),
        };
        let (files, query) = match (self.schema, self.args.split_last()) {
            (true, _) => (&self.args[..], None),
            (false, Some((query, files))) => (files, Some(query.as_str())),
            (false, None) => {
                eprintln!(
                    "error: give the query to translate, after the files\n\nFor more information, try '--help'."
                );
                return std::process::ExitCode::from(2);
            }
        };
        let files: Vec<std::path::PathBuf> = files.iter().map(std::path::PathBuf::from).collect();
        match load(&files) {
            Some(graph) => run(&graph, query, &options),
            None => std::process::ExitCode::FAILURE,
        }
    }
}

/// `dossier translate`: prints the translation of `query` (or, without
/// one, the schema that loads the tables), or the error.
pub fn run(graph: &Graph, query: Option<&str>, options: &Options) -> std::process::ExitCode {
    use std::io::Write;
    let text = match query {
        None => schema(options.engine),
        Some(query) => {
            let mut sources = crate::diagnostic::Sources::new();
            let file = sources.add("<query>", query);
            let translated = super::parse_query(file, 0, query)
                .and_then(|line| translate(graph, file, query, &line, options));
            match translated {
                Ok(text) => text,
                Err(diagnostic) => {
                    eprint!(
                        "{}",
                        sources.render(
                            std::slice::from_ref(&diagnostic),
                            crate::diagnostic::color()
                        )
                    );
                    return std::process::ExitCode::FAILURE;
                }
            }
        }
    };
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|_| stdout.flush())
    {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            eprintln!("error: cannot write: {e}");
            std::process::ExitCode::FAILURE
        }
        _ => std::process::ExitCode::SUCCESS,
    }
}

/// What loads the export into the engine, `DIR` the export's folder.
pub fn schema(engine: Engine) -> String {
    let tables = [
        "entities",
        "statements",
        "facts",
        "attributes",
        "declarations",
        "evidence",
    ];
    match engine {
        Engine::Spark => tables
            .iter()
            .map(|t| format!("CREATE TEMPORARY VIEW {t} USING parquet OPTIONS (path 'DIR/{t}.parquet');\n"))
            .collect(),
        Engine::Duckdb => tables
            .iter()
            .map(|t| format!("CREATE VIEW {t} AS FROM 'DIR/{t}.parquet';\n"))
            .collect(),
        Engine::Cypher => cypher::schema(),
        Engine::Sparql => "# Load the N-Triples export into the store:\n#   dossier export FILE... --to ntriples -o graph.nt\n".into(),
    }
}
