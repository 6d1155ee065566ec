//! Meta-commands: `.load`, `.mode`, `.help` and the rest, parsed into an
//! enum so that the shell and its tests share one reading of them.

use crate::output::{Format, Listing};
use crate::suggest::did_you_mean;

/// A command to the shell itself rather than a query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Meta {
    /// `.help [TOPIC]`, or bare `help`
    Help(Option<String>),
    /// `.load FILE...`
    Load(Vec<String>),
    /// `.reload [-v]`: with `-v`, every change, as `dossier diff` says it
    Reload(bool),
    /// `.mode table|box|markdown|line|tabs|csv|json|jsonl`
    Mode(Format),
    /// `.timer on|off`
    Timer(bool),
    /// `.headers on|off`
    Headers(bool),
    /// `.labels on|off`
    Labels(bool),
    /// `.bail on|off`
    Bail(bool),
    /// `.echo on|off`
    Echo(bool),
    /// `.pager on|off`
    Pager(bool),
    /// `.maxwidth N` (0: no limit)
    MaxWidth(usize),
    /// `.stats`
    Stats,
    /// `.schema`
    Schema,
    /// `.sources [--uncited]`, `.claims`, `.conflicts`
    List(crate::output::Listing),
    /// `.print TEXT`
    Print(String),
    /// `.read FILE`
    Read(String),
    /// `.output [FILE]`
    Output(Option<String>),
    /// `.once FILE`
    Once(String),
    /// `.shell CMD`, `.system CMD`
    Shell(String),
    /// `.cd DIR`
    Cd(String),
    /// `.param set NAME VALUE`
    ParamSet(String, String),
    /// `.param unset NAME`
    ParamUnset(String),
    /// `.param clear`
    ParamClear,
    /// `.param list`
    ParamList,
    /// `.quit`, `.exit`, `\q`, `:quit`, `:exit`, or bare `quit`, `exit`
    Quit,
    /// `.export FORMAT FILE [QUERY]`
    Export {
        format: crate::export::ExportFormat,
        file: String,
        query: Option<String>,
    },
}

/// The meta-commands with what they take, what they do, and an example,
/// for help and completion.
pub const COMMANDS: [(&str, &str, &str, &str); 29] = [
    (
        ".help",
        "[TOPIC]",
        "show help, on one topic or all",
        ".help paths",
    ),
    (
        ".load",
        "FILE...",
        "add relation files to the graph (all or nothing)",
        ".load data/world.kg",
    ),
    (
        ".reload",
        "[-v]",
        "read every loaded file again and sum up what changed (-v: each change, as dossier diff shows it)",
        ".reload -v",
    ),
    (
        ".mode",
        "MODE",
        "how answers are printed: table, box, markdown, line, tabs, csv, json or jsonl",
        ".mode box",
    ),
    (
        ".headers",
        "on|off",
        "header rows in tables, CSV and tabs",
        ".headers off",
    ),
    (
        ".labels",
        "on|off",
        "a label column beside each column of entities in tables, CSV and tabs",
        ".labels on",
    ),
    (
        ".maxwidth",
        "N",
        "the widest a table may be on a terminal (0: no limit)",
        ".maxwidth 100",
    ),
    (
        ".pager",
        "on|off",
        "long answers on a terminal through $PAGER (less -S)",
        ".pager off",
    ),
    (
        ".timer",
        "on|off",
        "show how long each query takes",
        ".timer on",
    ),
    (
        ".echo",
        "on|off",
        "print each command before its answer",
        ".echo on",
    ),
    (
        ".bail",
        "on|off",
        "stop a script at the first failure",
        ".bail on",
    ),
    (
        ".param",
        "set NAME VALUE|unset NAME|list|clear",
        "query parameters, written $NAME in queries",
        ".param set who China",
    ),
    (
        ".read",
        "FILE",
        "run the commands and queries of a script",
        ".read queries.dq",
    ),
    (
        ".output",
        "[FILE]",
        "send later answers to FILE (written atomically), or to the screen again",
        ".output answers.txt",
    ),
    (
        ".once",
        "FILE",
        "send the next answer to FILE",
        ".once path.csv",
    ),
    (
        ".print",
        "TEXT",
        "print TEXT",
        ".print Who borders North Korea?",
    ),
    (
        ".stats",
        "",
        "count entities by kind and statements by relation",
        ".stats",
    ),
    (
        ".sources",
        "[--uncited]",
        "list the sources: what cites each, quotes verified, coverage of its document",
        ".sources --uncited",
    ),
    (
        ".claims",
        "",
        "list the claims that fewer than two sources support",
        ".claims",
    ),
    (
        ".conflicts",
        "",
        "list the statements that contradict each other, a pair an entry",
        ".conflicts",
    ),
    (
        ".schema",
        "",
        "the kinds and relations in use: who relates to whom",
        ".schema",
    ),
    (
        ".export",
        "FORMAT FILE [QUERY]",
        "write the graph, or what QUERY touches, as dot, svg, png, json, kg, graphml, ntriples, cypher, kuzu, csv or snapshot",
        ".export svg nk.svg neighbours North_Korea",
    ),
    (".shell", "CMD", "run a shell command", ".shell ls data"),
    (
        ".system",
        "CMD",
        "run a shell command (as .shell)",
        ".system date",
    ),
    (".cd", "DIR", "change the working folder", ".cd data"),
    (
        ".quit",
        "",
        "leave the shell (also .exit, \\q, :quit, Ctrl-D)",
        ".quit",
    ),
    (".exit", "", "leave the shell", ".exit"),
    ("\\q", "", "leave the shell (psql)", "\\q"),
    (
        ":quit",
        "",
        "leave the shell (cypher-shell; also :exit)",
        ":quit",
    ),
];

/// The modes of `.mode`, by name.
pub const MODES: [(&str, Format); 8] = [
    ("table", Format::Table),
    ("box", Format::Box),
    ("markdown", Format::Markdown),
    ("line", Format::Line),
    ("tabs", Format::Tabs),
    ("csv", Format::Csv),
    ("json", Format::Json),
    ("jsonl", Format::Jsonl),
];

/// Reads `line` as a meta-command: `None` when it is a query, `Some(Err)`
/// with a message when it is a meta-command used wrongly.
pub fn parse_meta(line: &str) -> Option<Result<Meta, String>> {
    let trimmed = line.trim();
    match trimmed {
        "help" | "\\?" | ":help" => return Some(Ok(Meta::Help(None))),
        "quit" | "exit" | "\\q" | ":quit" | ":exit" => return Some(Ok(Meta::Quit)),
        _ => {}
    }
    if !trimmed.starts_with('.') {
        return None;
    }
    if trimmed == ".export" || trimmed.starts_with(".export ") {
        return Some(parse_export(trimmed[".export".len()..].trim_start()));
    }
    // Commands whose argument is the rest of the line, as typed.
    let (command, rest) = trimmed
        .split_once(char::is_whitespace)
        .map_or((trimmed, ""), |(c, r)| (c, r.trim()));
    match command {
        ".print" => return Some(Ok(Meta::Print(unquoted(rest)))),
        ".shell" | ".system" if rest.is_empty() => {
            return Some(Err(format!(
                "{command} needs a command, like `{command} ls`"
            )));
        }
        ".shell" | ".system" => return Some(Ok(Meta::Shell(rest.to_string()))),
        ".param" => return Some(parse_param(rest)),
        _ => {}
    }
    let words = match split_words(trimmed) {
        Ok(words) => words,
        Err(e) => return Some(Err(e)),
    };
    let (command, args) = words
        .split_first()
        .expect("a trimmed line that starts with `.` has a word");
    let none = |meta: Meta| {
        if args.is_empty() {
            Ok(meta)
        } else {
            Err(format!("{command} takes no arguments"))
        }
    };
    Some(match command.as_str() {
        ".help" => match args {
            [] => Ok(Meta::Help(None)),
            [topic] => Ok(Meta::Help(Some(topic.trim_start_matches('.').to_string()))),
            _ => Err(".help takes one topic, like `.help paths`".into()),
        },
        ".load" if args.is_empty() => {
            Err(".load needs at least one file, like `.load data/world.kg`".into())
        }
        ".load" => Ok(Meta::Load(args.to_vec())),
        ".reload" => match args {
            [] => Ok(Meta::Reload(false)),
            [v] if v == "-v" => Ok(Meta::Reload(true)),
            _ => Err("write `.reload`, or `.reload -v` for every change".into()),
        },
        ".mode" => match args {
            [m] => match MODES.iter().find(|(name, _)| name == m) {
                Some((_, format)) => Ok(Meta::Mode(*format)),
                None => Err(mode_usage()),
            },
            _ => Err(mode_usage()),
        },
        ".timer" => on_off(command, args).map(Meta::Timer),
        ".headers" => on_off(command, args).map(Meta::Headers),
        ".labels" => on_off(command, args).map(Meta::Labels),
        ".bail" => on_off(command, args).map(Meta::Bail),
        ".echo" => on_off(command, args).map(Meta::Echo),
        ".pager" => on_off(command, args).map(Meta::Pager),
        ".maxwidth" => match args {
            [n] => n.parse().map(Meta::MaxWidth).map_err(|_| {
                ".maxwidth takes a number of columns, like `.maxwidth 100` (0: no limit)".into()
            }),
            _ => Err(
                ".maxwidth takes a number of columns, like `.maxwidth 100` (0: no limit)".into(),
            ),
        },
        ".read" => match args {
            [file] => Ok(Meta::Read(file.clone())),
            _ => Err(".read takes one file, like `.read queries.dq`".into()),
        },
        ".output" => match args {
            [] => Ok(Meta::Output(None)),
            [file] => Ok(Meta::Output(Some(file.clone()))),
            _ => Err(".output takes one file, or none for the screen".into()),
        },
        ".once" => match args {
            [file] => Ok(Meta::Once(file.clone())),
            _ => Err(".once takes one file, like `.once path.csv`".into()),
        },
        ".cd" => match args {
            [dir] => Ok(Meta::Cd(dir.clone())),
            _ => Err(".cd takes one folder, like `.cd data`".into()),
        },
        ".stats" => none(Meta::Stats),
        ".schema" => none(Meta::Schema),
        ".claims" => none(Meta::List(Listing::Claims)),
        ".conflicts" => none(Meta::List(Listing::Conflicts)),
        ".sources" => match args {
            [] => Ok(Meta::List(Listing::Sources { uncited: false })),
            [flag] if flag == "--uncited" => Ok(Meta::List(Listing::Sources { uncited: true })),
            _ => Err(
                ".sources takes nothing, or `--uncited` for the sentences no quote touches".into(),
            ),
        },
        ".quit" | ".exit" => none(Meta::Quit),
        other => {
            let near = did_you_mean(
                other,
                COMMANDS.iter().map(|c| c.0).filter(|c| c.starts_with('.')),
            );
            Err(match near {
                Some(near) => format!("unknown command {other}; did you mean {near}?"),
                None => format!("unknown command {other}; .help lists the commands"),
            })
        }
    })
}

fn mode_usage() -> String {
    let names: Vec<&str> = MODES.iter().map(|(n, _)| *n).collect();
    format!(".mode takes {}", names.join(", "))
}

fn on_off(command: &str, args: &[String]) -> Result<bool, String> {
    match args {
        [o] if o == "on" => Ok(true),
        [o] if o == "off" => Ok(false),
        _ => Err(format!("{command} takes on or off")),
    }
}

/// `.print` text: as typed, or what its quotes hold.
fn unquoted(rest: &str) -> String {
    match split_words(rest) {
        Ok(words) if rest.starts_with(['"', '\'']) && words.len() == 1 => words[0].clone(),
        _ => rest.to_string(),
    }
}

/// `.param set NAME VALUE`, `.param unset NAME`, `.param list`, `.param clear`.
fn parse_param(rest: &str) -> Result<Meta, String> {
    let usage =
        ".param takes set NAME VALUE, unset NAME, list or clear, like `.param set who China`";
    let (verb, rest) = rest
        .split_once(char::is_whitespace)
        .map_or((rest, ""), |(v, r)| (v, r.trim()));
    let name = |n: &str| -> Result<String, String> {
        let n = n.strip_prefix('$').unwrap_or(n);
        if crate::value::has_identifier_shape(n) {
            Ok(n.to_string())
        } else {
            Err(format!(
                "`{n}` is not a parameter name (a letter or `_`, then letters, digits, `_` or `-`)"
            ))
        }
    };
    match verb {
        "set" => {
            let (key, value) = rest.split_once(char::is_whitespace).ok_or(usage)?;
            Ok(Meta::ParamSet(name(key)?, value.trim().to_string()))
        }
        "unset" if !rest.is_empty() => Ok(Meta::ParamUnset(name(rest)?)),
        "list" if rest.is_empty() => Ok(Meta::ParamList),
        "clear" if rest.is_empty() => Ok(Meta::ParamClear),
        _ => Err(usage.into()),
    }
}

/// `.export FORMAT FILE [QUERY]`: the query is the rest of the line, as
/// typed.
fn parse_export(rest: &str) -> Result<Meta, String> {
    use clap::ValueEnum;
    let usage = ".export takes a format, a file and optionally a query, like `.export svg koreas.svg neighbours China`";
    let (format, rest) = rest.split_once(char::is_whitespace).ok_or(usage)?;
    let format = crate::export::ExportFormat::from_str(format, true).map_err(|_| {
        let names: Vec<String> = crate::export::ExportFormat::value_variants()
            .iter()
            .filter_map(|v| v.to_possible_value().map(|p| p.get_name().to_string()))
            .collect();
        format!(
            "unknown format `{format}`; the formats are {}",
            names.join(", ")
        )
    })?;
    let rest = rest.trim_start();
    let (file, query) = if let Some(quoted) = rest.strip_prefix(['"', '\'']) {
        let q = rest.chars().next().expect("a quote");
        let end = quoted
            .find(q)
            .ok_or("a quoted file name has no closing quote")?;
        (&quoted[..end], &quoted[end + 1..])
    } else {
        rest.split_once(char::is_whitespace).unwrap_or((rest, ""))
    };
    if file.is_empty() {
        return Err(usage.into());
    }
    let query = query.trim();
    Ok(Meta::Export {
        format,
        file: file.to_string(),
        query: (!query.is_empty()).then(|| query.to_string()),
    })
}

/// Splits on white space, keeping "double" or 'single' quoted words whole
/// (for file names with spaces).
pub fn split_words(line: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut quote = None;
    let mut any = false;
    for c in line.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => word.push(c),
            (None, '"' | '\'') => {
                quote = Some(c);
                any = true;
            }
            (None, c) if c.is_whitespace() => {
                if any {
                    words.push(std::mem::take(&mut word));
                    any = false;
                }
            }
            (None, c) => {
                word.push(c);
                any = true;
            }
        }
    }
    if quote.is_some() {
        return Err("a quoted file name has no closing quote".into());
    }
    if any {
        words.push(word);
    }
    Ok(words)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_are_not_meta_commands() {
        for line in [
            "neighbours China",
            "?x member_of UN",
            "show help_desk",
            "",
            "helpful r x",
        ] {
            assert_eq!(parse_meta(line), None, "{line}");
        }
    }

    #[test]
    fn meta_commands() {
        let table: &[(&str, Meta)] = &[
            (".help", Meta::Help(None)),
            ("help", Meta::Help(None)),
            (".help paths", Meta::Help(Some("paths".into()))),
            (".help .load", Meta::Help(Some("load".into()))),
            (".load a.kg", Meta::Load(vec!["a.kg".into()])),
            (
                ".load a.kg 'my file.kg' \"x y.kg\"",
                Meta::Load(vec!["a.kg".into(), "my file.kg".into(), "x y.kg".into()]),
            ),
            ("  .reload  ", Meta::Reload(false)),
            (".reload -v", Meta::Reload(true)),
            (".mode json", Meta::Mode(Format::Json)),
            (".mode csv", Meta::Mode(Format::Csv)),
            (".mode table", Meta::Mode(Format::Table)),
            (".timer on", Meta::Timer(true)),
            (".timer off", Meta::Timer(false)),
            (".stats", Meta::Stats),
            (".schema", Meta::Schema),
            (".sources", Meta::List(Listing::Sources { uncited: false })),
            (".claims", Meta::List(Listing::Claims)),
            (".conflicts", Meta::List(Listing::Conflicts)),
            (
                ".sources --uncited",
                Meta::List(Listing::Sources { uncited: true }),
            ),
            (
                ".export svg out.svg",
                Meta::Export {
                    format: crate::export::ExportFormat::Svg,
                    file: "out.svg".into(),
                    query: None,
                },
            ),
            (
                ".export json 'my graph.json' ?s member_of \"Security Council\"",
                Meta::Export {
                    format: crate::export::ExportFormat::Json,
                    file: "my graph.json".into(),
                    query: Some("?s member_of \"Security Council\"".into()),
                },
            ),
            (".quit", Meta::Quit),
            (".exit", Meta::Quit),
            ("quit", Meta::Quit),
            ("exit", Meta::Quit),
        ];
        for (line, meta) in table {
            assert_eq!(parse_meta(line), Some(Ok(meta.clone())), "{line}");
        }
    }

    #[test]
    fn misuse_says_how_to_use() {
        let table: &[(&str, &str)] = &[
            (".load", ".load needs at least one file"),
            (
                ".mode xml",
                ".mode takes table, box, markdown, line, tabs, csv, json, jsonl",
            ),
            (".timer maybe", ".timer takes on or off"),
            (".stats now", ".stats takes no arguments"),
            (".lod x.kg", "unknown command .lod; did you mean .load?"),
            (
                ".frobnicate",
                "unknown command .frobnicate; .help lists the commands",
            ),
            (".load 'x.kg", "a quoted file name has no closing quote"),
            (".export", ".export takes a format, a file"),
            (
                ".export bmp x.bmp",
                "unknown format `bmp`; the formats are dot, json",
            ),
        ];
        for (line, message) in table {
            match parse_meta(line) {
                Some(Err(e)) => assert!(e.starts_with(message), "{line}: {e}"),
                other => panic!("{line}: {other:?}"),
            }
        }
    }
}
