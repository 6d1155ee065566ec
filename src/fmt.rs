//! `dossier fmt`: relation files in their canonical layout, as `gofmt` and
//! `rustfmt` keep code. Each line's item is written as the `--to kg`
//! export writes items (single spaces, names bare when they can be,
//! canonical strings and values); comments stay where they are, after one
//! space; runs of blank lines become one, and none lead or trail. The
//! order of the lines and of each line's attributes is the writer's.
//!
//! A file with a syntax error is not formatted: its errors are the load's.

use crate::diagnostic::{Diagnostic, Sources};
use std::io::{self, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

/// `dossier fmt [--check] [FILE]...`
#[derive(clap::Args, Debug)]
#[command(
    after_help = "With no FILE, or `-`, formats standard input to standard output. With --check, nothing is written: each file that would change is shown as a unified diff on stdout, and the exit status is 1.\n\nExamples:\n  dossier fmt notes.kg\n  dossier fmt --check data/*.kg"
)]
pub struct Args {
    /// Relation files to format in place
    pub files: Vec<PathBuf>,
    /// Write nothing; print a diff of each file that would change and exit 1
    #[arg(long)]
    pub check: bool,
}

/// The text in canonical layout, or the diagnostics of its syntax errors
/// (pointing into the text, file 0 of a [`Sources`] the caller makes).
pub fn format(text: &str) -> Result<String, Vec<Diagnostic>> {
    let (bom, body) = match text.strip_prefix('\u{feff}') {
        Some(rest) => ("\u{feff}", rest),
        None => ("", text),
    };
    let newline = match body.find('\n') {
        Some(i) if body[..i].ends_with('\r') => "\r\n",
        _ => "\n",
    };
    let mut out = String::with_capacity(text.len());
    out.push_str(bom);
    let mut errors = Vec::new();
    let mut blank = false;
    let mut offset = 0;
    for raw in body.split_inclusive('\n') {
        let start = offset;
        offset += raw.len();
        let line = raw.strip_suffix('\n').unwrap_or(raw);
        let line = line.strip_suffix('\r').unwrap_or(line);
        let written = match crate::parse::parse_line(0, start, line) {
            Err(d) => {
                errors.push(*d);
                continue;
            }
            Ok(None) => comment(line).map(|c| c.trim_end().to_string()),
            Ok(Some(item)) => Some(match comment(line) {
                Some(c) => format!("{} {}", item.canonical(), c.trim_end()),
                None => item.canonical(),
            }),
        };
        match written {
            None => blank = out.len() > bom.len(),
            Some(line) => {
                if blank {
                    out.push_str(newline);
                    blank = false;
                }
                out.push_str(&line);
                out.push_str(newline);
            }
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// Where a line's comment starts: the first `#` outside a string or a
/// backticked relation (the line has parsed, so they are closed).
fn comment(line: &str) -> Option<&str> {
    let bytes = line.as_bytes();
    let (mut in_string, mut in_ticks) = (false, false);
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if in_string => i += 1,
            b'"' if !in_ticks => in_string = !in_string,
            b'`' if !in_string => {
                if in_ticks && bytes.get(i + 1) == Some(&b'`') {
                    i += 1;
                } else {
                    in_ticks = !in_ticks;
                }
            }
            b'#' if !in_string && !in_ticks => return Some(&line[i..]),
            _ => {}
        }
        i += 1;
    }
    None
}

/// The unified diff from `old` to `new`, 3 lines of context, under the
/// file's name.
pub fn diff(name: &str, old: &str, new: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(name, name)
        .to_string()
}

/// Runs `dossier fmt`.
pub fn run(args: &Args) -> ExitCode {
    let stdin = args.files.is_empty() || args.files.iter().any(|f| f.as_os_str() == "-");
    if stdin && args.files.len() > 1 {
        eprintln!("error: `-` (standard input) cannot be formatted with other files");
        return ExitCode::from(2);
    }
    if stdin {
        let mut bytes = Vec::new();
        if let Err(e) = io::stdin().read_to_end(&mut bytes) {
            eprintln!("error: cannot read standard input: {e}");
            return ExitCode::FAILURE;
        }
        return match one("<stdin>", bytes) {
            Err(()) => ExitCode::FAILURE,
            Ok((old, new)) if args.check => {
                if old != new {
                    print(&diff("<stdin>", &old, &new));
                }
                ExitCode::from(u8::from(old != new))
            }
            Ok((_, new)) => print(&new),
        };
    }
    let mut failed = false;
    let mut changed = false;
    for path in &args.files {
        let name = path.display().to_string();
        let bytes = match crate::load::read(path, false) {
            Ok(bytes) => bytes,
            Err(why) => {
                eprintln!("error: cannot read `{name}`: {why}");
                failed = true;
                continue;
            }
        };
        let Ok((old, new)) = one(&name, bytes) else {
            failed = true;
            continue;
        };
        if old == new {
            continue;
        }
        changed = true;
        if args.check {
            if print(&diff(&name, &old, &new)) != ExitCode::SUCCESS {
                return ExitCode::FAILURE;
            }
        } else if let Err(message) = crate::files::write_file(path, new.as_bytes()) {
            eprintln!("error: {message}");
            failed = true;
        }
    }
    if failed || (args.check && changed) {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// A file's text and its formatted text, or its errors shown on stderr.
fn one(name: &str, bytes: Vec<u8>) -> Result<(String, String), ()> {
    let extension = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    if matches!(extension.as_deref(), Some("tsv" | "json" | "dsnap" | "kgq")) {
        eprintln!("error: `{name}` is not a relation file: `dossier fmt` formats `.kg` files");
        return Err(());
    }
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
            let mut sources = Sources::new();
            let file = sources.add(name, text);
            let good = e.utf8_error().valid_up_to();
            let at = String::from_utf8_lossy(&e.as_bytes()[..good]).len();
            let d = Diagnostic::at(
                file,
                crate::ast::Span::new(at, at + 3),
                "this line is not valid UTF-8",
            )
            .label("invalid byte here")
            .help(
                "relation files are UTF-8 text; convert the file, e.g. `iconv -f latin1 -t utf-8`",
            );
            eprint!("{}", sources.render(&[d], false));
            return Err(());
        }
    };
    match format(&text) {
        Ok(new) => Ok((text, new)),
        Err(errors) => {
            let mut sources = Sources::new();
            // Spans count from after a byte-order mark, as the loader's do.
            sources.add(name, text.strip_prefix('\u{feff}').unwrap_or(&text));
            let shown = &errors[..errors.len().min(crate::load::MAX_SHOWN)];
            eprint!("{}", sources.render(shown, false));
            if errors.len() > shown.len() {
                eprintln!(
                    "error: {} more errors not shown",
                    errors.len() - shown.len()
                );
            }
            eprintln!("error: `{name}` was not formatted");
            Err(())
        }
    }
}

fn print(text: &str) -> ExitCode {
    let mut out = io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: cannot write standard output: {e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_stay_and_blank_lines_collapse() {
        let text = "\n\n# The states\nChina:state   \"China\"  # a comment\n\n\n\nChina  member_of   UN {since:1945,quote:\"a # b\"}\n\n";
        assert_eq!(
            format(text).unwrap(),
            "# The states\nChina: state \"China\" # a comment\n\nChina member_of UN {since: 1945, quote: \"a # b\"}\n"
        );
    }

    #[test]
    fn formatting_twice_changes_nothing() {
        let text = crate::load::BUNDLED_TEXT;
        let once = format(text).unwrap();
        assert_eq!(format(&once).unwrap(), once);
    }

    #[test]
    fn a_backticked_relation_may_hold_a_hash() {
        assert_eq!(
            format("a `x # y` b # c\r\nd e\r\n").unwrap(),
            "a `x # y` b # c\r\nd e\r\n"
        );
    }

    #[test]
    fn every_declaration_keeps_what_it_says() {
        let text = "relation head_of: person -> state functional transitive\nrelation voted_for excludes voted_against\nrelation has_member inverse member_of\n";
        assert_eq!(
            format(text).unwrap(),
            "relation head_of: person -> state transitive functional\nrelation voted_for excludes voted_against\nrelation has_member inverse member_of\n"
        );
    }

    #[test]
    fn a_syntax_error_is_the_loaders() {
        let errors = format("ok r x\nbad: \n").unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].place.unwrap().span.start, "ok r x\nbad: ".len());
    }
}
