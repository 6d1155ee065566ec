//! README.md and docs/ stay true: their relation-file examples parse, and
//! the outputs they show are what the program prints.

mod common;
use common::*;

fn readme() -> String {
    std::fs::read_to_string(root().join("README.md")).unwrap()
}

/// The README and every page of docs/, by name.
fn pages() -> Vec<(String, String)> {
    let mut pages = vec![("README.md".to_string(), readme())];
    let mut docs: Vec<_> = std::fs::read_dir(root().join("docs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    docs.sort();
    for path in docs {
        let name = format!("docs/{}", path.file_name().unwrap().to_string_lossy());
        pages.push((name, std::fs::read_to_string(path).unwrap()));
    }
    pages
}

/// The fenced blocks of the README and the docs marked with `lang`.
fn blocks(lang: &str) -> Vec<String> {
    pages()
        .iter()
        .flat_map(|(_, text)| blocks_of(text, lang))
        .collect()
}

fn blocks_of(text: &str, lang: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        match &mut current {
            None if line == format!("```{lang}") => current = Some(String::new()),
            Some(block) if line == "```" => {
                out.push(std::mem::take(block));
                current = None;
            }
            Some(block) => {
                block.push_str(line);
                block.push('\n');
            }
            None => {}
        }
    }
    out
}

#[test]
fn relation_file_examples_parse() {
    let blocks = blocks("kg");
    assert!(!blocks.is_empty());
    for block in blocks {
        let mut items = 0;
        dossier::parse::parse_text(0, &block, |n, item| {
            assert!(item.is_ok(), "README line {}: {:?}", n + 1, item);
            items += 1;
        });
        assert!(items > 0);
    }
}

#[test]
fn shown_outputs_are_real() {
    let out = dossier(&["check"]);
    assert!(
        readme().contains(&format!("```text\n{}```", stdout(&out))),
        "the README shows another summary than\n{}",
        stdout(&out)
    );

    let out = dossier(&["check", "tests/bad/kind_conflict.kg"]);
    assert!(
        readme().contains(stderr(&out).trim_end()),
        "the README shows another error than\n{}",
        stderr(&out)
    );

    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("typo.kg"),
        "North_Korea: state \"North Korea\"\nChina: state\nNorth_Kroea borders China\n",
    )
    .unwrap();
    let out = dossier_in(dir.path(), &["check", "--strict", "typo.kg"], None);
    assert!(
        readme().contains(stderr(&out).trim_end()),
        "the README shows another error than\n{}",
        stderr(&out)
    );
}

#[test]
fn console_examples_print_what_they_show() {
    let mut examples = 0;
    for block in blocks("console") {
        let mut commands: Vec<(String, String)> = Vec::new();
        for line in block.lines() {
            if let Some(command) = line.strip_prefix("$ ") {
                commands.push((command.to_string(), String::new()));
            } else {
                let (_, output) = commands
                    .last_mut()
                    .expect("a console block starts with a command");
                output.push_str(line);
                output.push('\n');
            }
        }
        for (command, expected) in commands {
            let words = dossier::repl::meta::split_words(&command).unwrap();
            assert_eq!(words[0], "dossier", "{command}");
            let args: Vec<&str> = words[1..].iter().map(String::as_str).collect();
            // From the project folder, where `data/` is.
            let out = dossier_in(&root(), &args, None);
            let actual = format!("{}{}", stdout(&out), stderr(&out));
            assert_eq!(
                actual.trim_end(),
                expected.trim_end(),
                "README example `{command}`"
            );
            examples += 1;
        }
    }
    assert!(examples >= 10, "{examples} examples");
}
