//! Meta-commands: `.load`, `.mode`, `.help` and the rest, parsed into an
//! enum so that the shell and its tests share one reading of them.

use crate::output::Format;
use crate::suggest::did_you_mean;

/// A command to the shell itself rather than a query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Meta {
    /// `.help [TOPIC]`, or bare `help`
    Help(Option<String>),
    /// `.load FILE...`
    Load(Vec<String>),
    /// `.reload`
    Reload,
    /// `.mode table|json|csv`
    Mode(Format),
    /// `.timer on|off`
    Timer(bool),
    /// `.stats`
    Stats,
    /// `.schema`
    Schema,
    /// `.quit`, `.exit`, or bare `quit`, `exit`
    Quit,
    /// `.export FORMAT FILE [QUERY]`
    Export {
        format: crate::export::ExportFormat,
        file: String,
        query: Option<String>,
    },
}

/// The meta-commands with what they take, for help and completion.
pub const COMMANDS: [(&str, &str, &str); 10] = [
    (".help", "[TOPIC]", "show help, on one topic or all"),
    (
        ".load",
        "FILE...",
        "add relation files to the graph (all or nothing)",
    ),
    (
        ".reload",
        "",
        "read every loaded file again and show what changed",
    ),
    (".mode", "table|json|csv", "how answers are printed"),
    (".timer", "on|off", "show how long each query takes"),
    (
        ".stats",
        "",
        "count entities by kind and statements by relation",
    ),
    (
        ".schema",
        "",
        "the kinds and relations in use: who relates to whom",
    ),
    (
        ".export",
        "FORMAT FILE [QUERY]",
        "write the graph, or what QUERY touches, as dot, svg, png, json, kg, graphml, ntriples, cypher, kuzu, csv or snapshot",
    ),
    (".quit", "", "leave the shell (also .exit, Ctrl-D)"),
    (".exit", "", "leave the shell"),
];

/// Reads `line` as a meta-command: `None` when it is a query, `Some(Err)`
/// with a message when it is a meta-command used wrongly.
pub fn parse_meta(line: &str) -> Option<Result<Meta, String>> {
    let trimmed = line.trim();
    match trimmed {
        "help" => return Some(Ok(Meta::Help(None))),
        "quit" | "exit" => return Some(Ok(Meta::Quit)),
        _ => {}
    }
    if !trimmed.starts_with('.') {
        return None;
    }
    if trimmed == ".export" || trimmed.starts_with(".export ") {
        return Some(parse_export(trimmed[".export".len()..].trim_start()));
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
        ".reload" => none(Meta::Reload),
        ".mode" => match args {
            [m] if m == "table" => Ok(Meta::Mode(Format::Table)),
            [m] if m == "json" => Ok(Meta::Mode(Format::Json)),
            [m] if m == "csv" => Ok(Meta::Mode(Format::Csv)),
            _ => Err(".mode takes table, json or csv".into()),
        },
        ".timer" => match args {
            [o] if o == "on" => Ok(Meta::Timer(true)),
            [o] if o == "off" => Ok(Meta::Timer(false)),
            _ => Err(".timer takes on or off".into()),
        },
        ".stats" => none(Meta::Stats),
        ".schema" => none(Meta::Schema),
        ".quit" | ".exit" => none(Meta::Quit),
        other => {
            let near = did_you_mean(other, COMMANDS.iter().map(|c| c.0));
            Err(match near {
                Some(near) => format!("unknown command {other}; did you mean {near}?"),
                None => format!("unknown command {other}; .help lists the commands"),
            })
        }
    })
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
            ("  .reload  ", Meta::Reload),
            (".mode json", Meta::Mode(Format::Json)),
            (".mode csv", Meta::Mode(Format::Csv)),
            (".mode table", Meta::Mode(Format::Table)),
            (".timer on", Meta::Timer(true)),
            (".timer off", Meta::Timer(false)),
            (".stats", Meta::Stats),
            (".schema", Meta::Schema),
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
            (".mode xml", ".mode takes table, json or csv"),
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
