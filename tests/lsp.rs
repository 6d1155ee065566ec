//! `dossier lsp` driven over stdio with real JSON-RPC messages, as an
//! editor sends them.

mod common;
use common::*;
use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

struct Client {
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<Value>,
    next_id: i64,
    /// Notifications read while waiting for a response.
    pending: Vec<Value>,
}

impl Client {
    fn start(dir: &Path, options: Value) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_dossier"))
            .arg("lsp")
            .current_dir(dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            loop {
                let mut length = None;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(n) = line.strip_prefix("Content-Length: ") {
                        length = Some(n.parse::<usize>().unwrap());
                    }
                }
                let mut body = vec![0; length.expect("a Content-Length header")];
                reader.read_exact(&mut body).unwrap();
                if tx.send(serde_json::from_slice(&body).unwrap()).is_err() {
                    return;
                }
            }
        });
        let mut client = Client {
            child,
            stdin,
            messages: rx,
            next_id: 1,
            pending: Vec::new(),
        };
        let root = uri(dir);
        let answer = client.request(
            "initialize",
            json!({"processId": null, "rootUri": root, "capabilities": {}, "initializationOptions": options}),
        );
        assert!(
            answer["result"]["capabilities"]["completionProvider"].is_object(),
            "{answer}"
        );
        client.notify("initialized", json!({}));
        client
    }

    fn send(&mut self, message: &Value) {
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    /// `didOpen` of a buffer, its language told by its name.
    fn open(&mut self, uri: &str, text: &str) {
        let language = if uri.ends_with(".kgq") {
            "dossier-query"
        } else {
            "dossier"
        };
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": language, "version": 1, "text": text}}),
        );
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            let m = self
                .messages
                .recv_timeout(Duration::from_secs(30))
                .expect("an answer");
            if m["id"] == json!(id) {
                return m;
            }
            self.pending.push(m);
        }
    }

    /// The next diagnostics published for `uri`.
    fn diagnostics(&mut self, uri: &str) -> Vec<Value> {
        if let Some(i) = self.pending.iter().position(|m| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri
        }) {
            let m = self.pending.remove(i);
            return m["params"]["diagnostics"].as_array().unwrap().clone();
        }
        loop {
            let m = self
                .messages
                .recv_timeout(Duration::from_secs(30))
                .expect("diagnostics");
            if m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri {
                return m["params"]["diagnostics"].as_array().unwrap().clone();
            }
        }
    }

    fn at(&mut self, method: &str, uri: &str, line: u32, character: u32, extra: Value) -> Value {
        let mut params = json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}});
        for (k, v) in extra.as_object().unwrap() {
            params[k] = v.clone();
        }
        self.request(method, params)
    }

    /// The labels of the completions at a place.
    fn labels(&mut self, uri: &str, line: u32, character: u32) -> Vec<String> {
        let answer = self.at("textDocument/completion", uri, line, character, json!({}));
        answer["result"]["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["label"].as_str().unwrap().to_string())
            .collect()
    }

    fn stop(mut self) {
        let answer = self.request("shutdown", Value::Null);
        assert!(answer["error"].is_null(), "{answer}");
        self.notify("exit", Value::Null);
        let status = self.child.wait().unwrap();
        assert!(status.success());
    }
}

fn uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

const MAIN: &str = r#"include "people.kg"
relation member_of: state -> body
China: state "China"
UN: body "United Nations"
Article: source {file: "article.txt"}
China member_of UN
Chna member_of UN {source: Article, quote: "the vote was 111 to 18"}
"#;

fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs(dir.path(), "main.kg", MAIN);
    fs(
        dir.path(),
        "people.kg",
        "Kim_Jong-un: person \"Kim Jong-un\"\nKim_Jong-un leads China\n",
    );
    fs(
        dir.path(),
        "article.txt",
        "The committee voted 111 to 19 to refer the leadership.\nChina said no.\n",
    );
    dir
}

/// The workspace, its folder, `main.kg`'s URI, and a server started there.
fn started(options: Value) -> (tempfile::TempDir, std::path::PathBuf, String, Client) {
    let dir = workspace();
    let root = dir.path().canonicalize().unwrap();
    let main = uri(&root.join("main.kg"));
    let client = Client::start(&root, options);
    (dir, root, main, client)
}

fn fs(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}

/// `dossier check`'s messages for a file, `error: ...` and `warning: ...`.
fn check_messages(dir: &Path, args: &[&str]) -> Vec<String> {
    let out = dossier_in(dir, args, None);
    stderr(&out)
        .lines()
        .filter_map(|l| {
            l.strip_prefix("error: ")
                .or_else(|| l.strip_prefix("warning: "))
        })
        .map(str::to_string)
        .collect()
}

fn messages(list: &[Value]) -> Vec<String> {
    list.iter()
        .map(|d| d["message"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn diagnostics_are_checks_and_clear_when_fixed() {
    let dir = workspace();
    let main = uri(&dir.path().canonicalize().unwrap().join("main.kg"));
    let mut c = Client::start(&dir.path().canonicalize().unwrap(), json!({}));
    c.open(&main, MAIN);
    let list = c.diagnostics(&main);
    // The errors: `check`'s, with its very messages.
    let check = check_messages(dir.path(), &["check", "main.kg"]);
    let errors: Vec<Value> = list
        .iter()
        .filter(|d| d["severity"] == 1)
        .cloned()
        .collect();
    assert_eq!(check, messages(&errors));
    assert_eq!(check.len(), 2, "{check:?}");
    let quote = list
        .iter()
        .find(|d| d["message"].as_str().unwrap().starts_with("this quote"))
        .unwrap();
    assert_eq!(quote["range"]["start"]["line"], 6);
    let related = quote["relatedInformation"].to_string();
    assert!(related.contains("help: the source says"), "{related}");
    // The undeclared name: a hint with `check --strict`'s message.
    let hint = list.iter().find(|d| d["severity"] == 4).expect("a hint");
    let strict = check_messages(dir.path(), &["check", "--strict", "main.kg"]);
    assert!(
        strict.contains(&hint["message"].as_str().unwrap().to_string()),
        "{strict:?}"
    );
    assert_eq!(hint["message"], "`Chna` is not declared");
    assert_eq!(
        hint["range"],
        json!({"start": {"line": 6, "character": 0}, "end": {"line": 6, "character": 4}})
    );

    // An edit of a range (`Chna` to `China`): the hint and the kind error go.
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": main, "version": 2}, "contentChanges": [
            {"range": {"start": {"line": 6, "character": 2}, "end": {"line": 6, "character": 2}}, "text": "i"}
        ]}),
    );
    let left = messages(&c.diagnostics(&main));
    assert_eq!(left.len(), 1, "{left:?}");
    assert!(left[0].starts_with("this quote is not in"), "{left:?}");

    // Fixed in the buffer: the diagnostics go.
    let fixed = MAIN
        .replace("Chna member_of", "China member_of")
        .replace("the vote was 111 to 18", "111 to 19");
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": main, "version": 2}, "contentChanges": [{"text": fixed}]}),
    );
    assert_eq!(messages(&c.diagnostics(&main)), Vec::<String>::new());

    // An error in the included file is published for that file.
    let people = uri(&dir.path().canonicalize().unwrap().join("people.kg"));
    c.open(&people, "Kim_Jong-un: person\nKim_Jong-un: state\n");
    let list = c.diagnostics(&people);
    assert_eq!(list.len(), 1, "{list:?}");
    assert!(
        list[0]["message"].as_str().unwrap().contains("Kim_Jong-un"),
        "{list:?}"
    );
    c.stop();
}

#[test]
fn strict_checking_makes_an_undeclared_name_an_error() {
    let (_dir, _, main, mut c) = started(json!({"strict": true}));
    c.open(&main, MAIN);
    let list = c.diagnostics(&main);
    let d = list
        .iter()
        .find(|d| d["message"] == "`Chna` is not declared")
        .expect("the undeclared name");
    assert_eq!(d["severity"], 1);
    c.stop();
}

#[test]
fn completion_hover_definition_references() {
    let (_dir, root, main, mut c) = started(json!({}));
    let text = MAIN.replace("\"the vote was 111 to 18\"", "\"111 to 19\"");
    let text = format!("{text}China member_of U\nChina \n");
    c.open(&main, &text);
    c.diagnostics(&main);
    // An object: the entities, with kind and label.
    let answer = c.at("textDocument/completion", &main, 7, 17, json!({}));
    let items = answer["result"]["items"].as_array().unwrap();
    let un = items
        .iter()
        .find(|i| i["label"] == "UN")
        .expect("UN offered");
    assert_eq!(un["detail"], "body \u{2014} United Nations");
    assert!(
        !items.iter().any(|i| i["label"] == "Kim_Jong-un"),
        "only names starting with `U`"
    );
    let answer = c.at("textDocument/completion", &main, 7, 16, json!({}));
    let items = answer["result"]["items"].as_array().unwrap();
    assert!(
        items.iter().any(|i| i["label"] == "Kim_Jong-un"),
        "the included file's names"
    );
    // The middle place: relations.
    let labels = c.labels(&main, 8, 6);
    assert!(
        labels.iter().any(|l| l == "member_of") && labels.iter().any(|l| l == "leads"),
        "{labels:?}"
    );
    assert!(!labels.iter().any(|l| l == "UN"));

    // Paths inside `include "..."`: the folder's relation files.
    let labels = c.labels(&main, 0, 10);
    assert_eq!(labels, ["people.kg"]);
    // Kinds after a declaration's colon, sources after `source:`.
    let labels = c.labels(&main, 3, 4);
    assert!(
        labels.iter().any(|l| l == "body") && labels.iter().any(|l| l == "person"),
        "{labels:?}"
    );
    let labels = c.labels(&main, 6, 27);
    assert_eq!(labels, ["Article"]);

    // Hover on an entity: its card.
    let answer = c.at("textDocument/hover", &main, 5, 2, json!({}));
    let card = answer["result"]["contents"]["value"].as_str().unwrap();
    assert!(card.contains("China: state \"China\""), "{card}");
    assert!(card.contains("statements"), "{card}");
    // On a relation: its declaration and count.
    let answer = c.at("textDocument/hover", &main, 5, 8, json!({}));
    let text = answer["result"]["contents"]["value"].as_str().unwrap();
    assert!(text.contains("relation member_of: state -> body"), "{text}");
    // On a quote: the source's passage.
    let answer = c.at("textDocument/hover", &main, 6, 50, json!({}));
    let text = answer["result"]["contents"]["value"].as_str().unwrap();
    assert!(
        text.contains("article.txt:1") && text.contains("**111 to 19**"),
        "{text}"
    );

    // Definition: a name to its declaration, an include to its file, a
    // quote to its place in the document.
    let answer = c.at("textDocument/definition", &main, 5, 17, json!({}));
    let found = &answer["result"][0];
    assert_eq!(found["uri"], main);
    assert_eq!(found["range"]["start"]["line"], 3);
    let answer = c.at("textDocument/definition", &main, 0, 12, json!({}));
    assert_eq!(answer["result"]["uri"], uri(&root.join("people.kg")));
    let answer = c.at("textDocument/definition", &main, 6, 50, json!({}));
    assert_eq!(answer["result"]["uri"], uri(&root.join("article.txt")));
    assert_eq!(
        answer["result"]["range"]["start"],
        json!({"line": 0, "character": 20})
    );
    // References: across the files read together.
    let answer = c.at(
        "textDocument/references",
        &main,
        2,
        1,
        json!({"context": {"includeDeclaration": true}}),
    );
    let places = answer["result"].as_array().unwrap();
    assert_eq!(places.len(), 4, "{places:?}");
    assert!(
        places
            .iter()
            .any(|p| p["uri"] == uri(&root.join("people.kg")))
    );
    c.stop();
}

#[test]
fn rename_actions_symbols_formatting() {
    let (_dir, root, main, mut c) = started(json!({}));
    c.open(&main, MAIN);
    let list = c.diagnostics(&main);

    // Rename an entity across every file; refuse a name that exists.
    let answer = c.at(
        "textDocument/rename",
        &main,
        2,
        1,
        json!({"newName": "People's Republic"}),
    );
    let changes = &answer["result"]["changes"];
    assert_eq!(changes[&main].as_array().unwrap().len(), 2, "{answer}");
    let people = uri(&root.join("people.kg"));
    assert_eq!(changes[&people][0]["newText"], "\"People's Republic\"");
    let answer = c.at("textDocument/rename", &main, 2, 1, json!({"newName": "UN"}));
    assert_eq!(answer["error"]["code"], -32803, "{answer}");
    assert!(
        answer["error"]["message"]
            .as_str()
            .unwrap()
            .contains("`UN` exists already")
    );

    // Code actions where the diagnostics are.
    let hint = list.iter().find(|d| d["severity"] == 4).unwrap().clone();
    let answer = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": main}, "range": hint["range"], "context": {"diagnostics": [hint]}}),
    );
    let titles: Vec<&str> = answer["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    assert!(titles.contains(&"Change to `China`"), "{titles:?}");
    assert!(titles.contains(&"Declare `Chna` as a state"), "{titles:?}");
    assert!(
        titles.iter().any(|t| t.starts_with("Cite `Article`")),
        "{titles:?}"
    );
    let declare = answer["result"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"] == "Declare `Chna` as a body")
        .unwrap();
    let edit = &declare["edit"]["changes"][&main][0];
    assert_eq!(edit["newText"], "Chna: body\n");
    assert_eq!(edit["range"]["start"], json!({"line": 5, "character": 0}));
    let error = list.iter().find(|d| d["severity"] == 1).unwrap().clone();
    let answer = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": main}, "range": error["range"], "context": {"diagnostics": [error]}}),
    );
    let quote = answer["result"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"] == "Quote what the source says")
        .expect("the closest passage");
    let new = quote["edit"]["changes"][&main][0]["newText"]
        .as_str()
        .unwrap();
    assert!(new.starts_with('"') && new.contains("111 to 19"), "{new}");

    // The outline, by kind.
    let answer = c.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": main}}),
    );
    let kinds: Vec<&str> = answer["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["state", "body", "source", "member_of"]);
    let answer = c.request("workspace/symbol", json!({"query": "kim"}));
    assert_eq!(answer["result"][0]["name"], "Kim_Jong-un", "{answer}");

    // Formatting is `dossier fmt`'s output.
    let messy = "China:state\n\n\nChina   member_of UN # x\n";
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": main, "version": 2}, "contentChanges": [{"text": messy}]}),
    );
    let answer = c.request(
        "textDocument/formatting",
        json!({"textDocument": {"uri": main}, "options": {"tabSize": 4, "insertSpaces": true}}),
    );
    let fmt = dossier_in(&root, &["fmt"], Some(messy));
    assert_eq!(
        answer["result"][0]["newText"].as_str().unwrap(),
        stdout(&fmt)
    );
    c.notify("textDocument/didChange", json!({"textDocument": {"uri": main, "version": 3}, "contentChanges": [{"text": "China:\n"}]}));
    let answer = c.request(
        "textDocument/formatting",
        json!({"textDocument": {"uri": main}, "options": {"tabSize": 4, "insertSpaces": true}}),
    );
    assert!(
        answer["error"]["message"]
            .as_str()
            .unwrap()
            .contains("syntax error"),
        "{answer}"
    );
    c.stop();
}

#[test]
fn a_query_script_shows_its_errors_where_they_are() {
    let (_dir, root, main, mut c) = started(json!({}));
    let script = uri(&root.join("questions.kgq"));
    c.open(&main, MAIN);
    c.diagnostics(&main);
    let text = "# Who is in the UN?\n.mode json\n?x member_of UN\nneighbours Chinaa\n";
    c.open(&script, text);
    let list = c.diagnostics(&script);
    assert_eq!(list.len(), 1, "{list:?}");
    assert_eq!(list[0]["message"], "no entity is named `Chinaa`");
    assert_eq!(
        list[0]["range"]["start"],
        json!({"line": 3, "character": 11})
    );
    // The same message as the script run.
    std::fs::write(root.join("questions.kgq"), text).unwrap();
    let run = check_messages(&root, &["people.kg", "-f", "questions.kgq"]);
    assert!(
        run.iter()
            .any(|m| m.ends_with("no entity is named `Chinaa`")),
        "{run:?}"
    );
    c.stop();
}

#[test]
fn contradictions_are_warnings_on_both_statements() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    let text =
        std::fs::read_to_string(common::root().join("tests/cases/contested/graph.kg")).unwrap();
    fs(&root, "graph.kg", &text);
    let conflicts = dossier_in(&root, &["conflicts", "graph.kg", "--json"], None);
    let listed: Value = serde_json::from_slice(&conflicts.stdout).unwrap();
    let n = listed["conflicts"].as_array().unwrap().len();
    assert!(n >= 3);
    let graph = uri(&root.join("graph.kg"));
    let mut c = Client::start(&root, json!({}));
    c.open(&graph, &text);
    let list = c.diagnostics(&graph);
    let warnings: Vec<&Value> = list.iter().filter(|d| d["severity"] == 2).collect();
    assert_eq!(warnings.len(), 2 * n, "{list:?}");
    let first = &listed["conflicts"][0]["statements"];
    let line = first[0]["line"].as_u64().unwrap() - 1;
    let at = warnings
        .iter()
        .find(|d| d["range"]["start"]["line"] == line)
        .expect("a warning on the first statement");
    let other = format!("graph.kg:{}", first[1]["line"]);
    assert!(
        at["message"]
            .as_str()
            .unwrap()
            .starts_with(&format!("this statement contradicts {other}: ")),
        "{at}"
    );
    c.stop();
}

#[test]
fn hostile_requests_get_answers_not_a_dead_server() {
    let (_dir, _, main, mut c) = started(json!({}));
    c.open(&main, "é😀 r \"\\u{1F600}\n");
    c.diagnostics(&main);
    // Positions past the end, inside a character's UTF-16 halves, on no file.
    for (line, character) in [(999, 0), (0, 999), (0, 2), (0, 1)] {
        for method in [
            "textDocument/hover",
            "textDocument/completion",
            "textDocument/definition",
        ] {
            let answer = c.at(method, &main, line, character, json!({}));
            assert!(
                answer["error"].is_null(),
                "{method} {line}:{character}: {answer}"
            );
        }
    }
    let answer = c.at("textDocument/hover", "untitled:Untitled-1", 0, 0, json!({}));
    assert!(
        answer["error"].is_null() && answer["result"].is_null(),
        "{answer}"
    );
    // A range past the end, reversed: applied as far as it can be.
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": main, "version": 2}, "contentChanges": [
            {"range": {"start": {"line": 50, "character": 3}, "end": {"line": 0, "character": 0}}, "text": "x"}
        ]}),
    );
    c.diagnostics(&main);
    let answer = c.request("textDocument/unknownThing", json!({}));
    assert_eq!(answer["error"]["code"], -32601, "{answer}");
    c.stop();
}
