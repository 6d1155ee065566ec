//! The two sides of `dossier diff`: a relation file, a folder (every
//! `.kg` file under it), `/dev/null` (nothing, as git passes for a file
//! added or deleted), or a git revision's `REV:PATH`, read from the
//! revision's tree unpacked in a temporary folder so that its includes
//! and documents are that revision's too.

use crate::graph::Graph;
use crate::load::{Input, LoadError, Options};
use std::path::{Path, PathBuf};

/// A side loaded: its graph, and how to name its files in what is shown.
pub struct Side {
    pub graph: Graph,
    /// A start of file names shown as another: a revision's tree as
    /// `REV:`, a copy git hands the diff driver as the file's own path.
    prefix: Option<(String, String)>,
    /// The revision's tree, removed when the side is dropped.
    _tree: Option<tempfile::TempDir>,
}

impl Side {
    /// A file of this side's graph as people should read it: a revision's
    /// as `REV:PATH`.
    pub fn name(&self, file: &str) -> String {
        match &self.prefix {
            Some((start, shown)) => match file.strip_prefix(start.as_str()) {
                Some(rest) => format!("{shown}{}", rest.trim_start_matches('/')),
                None => file.to_string(),
            },
            None => file.to_string(),
        }
    }
}

/// Why a side could not be loaded.
pub enum SideError {
    Load(LoadError),
    Other(String),
}

/// Every `.kg` file under `dir`, in name order, not following links to
/// folders (a link back up would never end).
fn kg_files(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let path = e.path();
        let kind = e.file_type()?;
        if kind.is_dir() {
            kg_files(&path, out)?;
        } else if path.extension().is_some_and(|x| x == "kg") {
            out.push(path);
        }
    }
    Ok(())
}

fn load_path(path: &Path, options: Options) -> Result<Graph, SideError> {
    let mut files = Vec::new();
    if path.is_dir() {
        kg_files(path, &mut files)
            .map_err(|e| SideError::Other(format!("cannot read `{}`: {e}", path.display())))?;
    } else {
        files.push(path.to_path_buf());
    }
    let inputs: Vec<Input> = files.into_iter().map(Input::Path).collect();
    let mut graph = Graph::new();
    graph
        .load_with_warnings(&inputs, options)
        .map_err(SideError::Load)?;
    Ok(graph)
}

fn git(dir: &Path, args: &[&str]) -> Result<Vec<u8>, String> {
    let out = std::process::Command::new("git")
        .current_dir(dir)
        .args(args)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !out.status.success() {
        let why = String::from_utf8_lossy(&out.stderr);
        return Err(why.trim().to_string());
    }
    Ok(out.stdout)
}

fn trimmed(bytes: Vec<u8>) -> String {
    String::from_utf8_lossy(&bytes).trim_end().to_string()
}

/// Loads one side. `what` is a path (file, folder, `/dev/null`) or, when
/// no such path exists, `REV:PATH` (PATH from the repository's top, or
/// from here when it starts `./` or `../`, as git reads it).
pub fn load(what: &str, options: Options) -> Result<Side, SideError> {
    let path = Path::new(what);
    if what == "/dev/null" {
        return Ok(Side {
            graph: Graph::new(),
            prefix: None,
            _tree: None,
        });
    }
    if path.exists() || !what.contains(':') {
        return Ok(Side {
            graph: load_path(path, options)?,
            prefix: None,
            _tree: None,
        });
    }
    let (rev, inner) = what.split_once(':').expect("a colon");
    let here = std::env::current_dir().map_err(|e| SideError::Other(e.to_string()))?;
    let not_git = |why: String| {
        SideError::Other(format!(
            "`{what}` is not a file or folder, nor a revision's file in git: {why}"
        ))
    };
    let top = trimmed(git(&here, &["rev-parse", "--show-toplevel"]).map_err(not_git)?);
    let commit = trimmed(
        git(
            &here,
            &[
                "rev-parse",
                "--verify",
                "--quiet",
                &format!("{rev}^{{commit}}"),
            ],
        )
        .map_err(|_| not_git(format!("no revision `{rev}`")))?,
    );
    let inner = if inner.starts_with("./") || inner.starts_with("../") {
        let prefix = trimmed(git(&here, &["rev-parse", "--show-prefix"]).map_err(not_git)?);
        normalise(&Path::new(&prefix).join(inner))
    } else {
        normalise(Path::new(inner))
    };
    // The revision's whole tree, so that includes and documents are read
    // as they were then.
    let tree = tempfile::tempdir().map_err(|e| SideError::Other(e.to_string()))?;
    let archive = git(Path::new(&top), &["archive", "--format=tar", &commit]).map_err(not_git)?;
    let mut tar = std::process::Command::new("tar")
        .args(["-x", "-f", "-", "-C"])
        .arg(tree.path())
        .stdin(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| SideError::Other(format!("cannot run tar: {e}")))?;
    {
        use std::io::Write;
        let mut stdin = tar.stdin.take().expect("piped");
        stdin
            .write_all(&archive)
            .map_err(|e| SideError::Other(format!("cannot unpack `{rev}`: {e}")))?;
    }
    if !tar.wait().is_ok_and(|s| s.success()) {
        return Err(SideError::Other(format!("cannot unpack `{rev}`")));
    }
    let root = tree.path().to_path_buf();
    let target = root.join(&inner);
    if !target.exists() {
        return Err(not_git(format!("`{rev}` has no `{}`", inner.display())));
    }
    Ok(Side {
        graph: load_path(&target, options)?,
        prefix: Some((root.display().to_string(), format!("{rev}:"))),
        _tree: Some(tree),
    })
}

impl Side {
    /// Shows this side's files starting `start` as `shown`.
    pub fn shown_as(mut self, start: &str, shown: &str) -> Side {
        self.prefix = Some((start.to_string(), shown.to_string()));
        self
    }
}

/// `a/./b/../c` as `a/c`, without asking the file system.
fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// Loads both sides at once (each load builds on one core).
pub fn load_both(
    old: &str,
    new: &str,
    options: Options,
) -> (Result<Side, SideError>, Result<Side, SideError>) {
    std::thread::scope(|scope| {
        let first = scope.spawn(|| load(old, options));
        let second = load(new, options);
        (first.join().expect("a load does not panic"), second)
    })
}

/// `dossier diff`: exit 0 when both sides say the same, 1 when they
/// differ, 2 on an error; as git's driver (`--git`), always 0.
pub fn run(args: &[String], json: bool, git: bool, options: Options) -> std::process::ExitCode {
    use std::process::ExitCode;
    let options = Options {
        unchecked_quotes: true,
        progress: false,
        ..options
    };
    let usage = |message: &str| {
        eprintln!("error: {message}\n\nFor more information, try '--help'.");
        ExitCode::from(2)
    };
    let (old, new) = if git {
        match args.len() {
            // An unmerged path: git passes it alone.
            1 => {
                println!("* Unmerged path {}", args[0]);
                return ExitCode::SUCCESS;
            }
            // path old-file old-hex old-mode new-file new-hex new-mode,
            // and for a rename the new path and how it was found.
            7 | 9 => {
                let path = &args[0];
                let new_path = args.get(7).unwrap_or(path);
                let old =
                    load(&args[1], options).map(|s| s.shown_as(&args[1], &format!("a/{path}")));
                let new =
                    load(&args[4], options).map(|s| s.shown_as(&args[4], &format!("b/{new_path}")));
                println!("dossier diff a/{path} b/{new_path}");
                match (old, new) {
                    (Ok(old), Ok(new)) => {
                        print(&old, &new, json);
                    }
                    (old, new) => {
                        // git shows what the driver prints and stops on
                        // any other exit: the error is shown, the diff
                        // goes on.
                        for e in [old.err(), new.err()].into_iter().flatten() {
                            say(&e, true);
                        }
                    }
                }
                return ExitCode::SUCCESS;
            }
            n => return usage(&format!("--git takes the 7 arguments git passes, not {n}")),
        }
    } else {
        if args.len() != 2 {
            return usage(&format!("diff takes OLD and NEW, {} given", args.len()));
        }
        (&args[0], &args[1])
    };
    let (old, new) = match load_both(old, new, options) {
        (Ok(old), Ok(new)) => (old, new),
        (old, new) => {
            for e in [old.err(), new.err()].into_iter().flatten() {
                say(&e, false);
            }
            return ExitCode::from(2);
        }
    };
    match print(&old, &new, json) {
        Some(true) => ExitCode::SUCCESS,
        Some(false) => ExitCode::from(1),
        None => ExitCode::from(2),
    }
}

/// Prints an error loading a side: on stderr, or for git on stdout.
fn say(e: &SideError, stdout: bool) {
    let text = match e {
        SideError::Load(e) => e.render(!stdout && crate::diagnostic::color()),
        SideError::Other(m) => format!("error: {m}\n"),
    };
    if stdout {
        print!("{text}");
    } else {
        eprint!("{text}");
    }
}

/// Prints the diff; whether the sides are equal, or `None` when stdout
/// could not be written.
fn print(old: &Side, new: &Side, json: bool) -> Option<bool> {
    use std::io::Write;
    let d = super::diff(&old.graph, &new.graph);
    let (on, nn) = (|f: &str| old.name(f), |f: &str| new.name(f));
    let text = if json {
        let mut t =
            serde_json::to_string_pretty(&super::to_json(&d, &old.graph, &new.graph, &on, &nn))
                .expect("JSON serialises");
        t.push('\n');
        t
    } else {
        crate::output::escape_controls(&super::text(&d, &old.graph, &new.graph, &on, &nn))
            .into_owned()
    };
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|_| stdout.flush())
    {
        Ok(()) => Some(d.is_empty()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Some(d.is_empty()),
        Err(e) => {
            eprintln!("error: cannot write to stdout: {e}");
            None
        }
    }
}
