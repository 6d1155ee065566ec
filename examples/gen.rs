//! Writes a generated relation file to stdout:
//! `cargo run --release --example gen -- --statements N --seed S [--codes] > FILE`
//! (`--codes`: names that are codes and labels of words, WordNet's shape).

use std::io::Write;

fn main() {
    let mut statements = 1_000_000;
    let mut seed = 1;
    let mut codes = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--codes" {
            codes = true;
            continue;
        }
        let value = args.next().and_then(|v| v.parse().ok());
        match (arg.as_str(), value) {
            ("--statements", Some(v)) => statements = v,
            ("--seed", Some(v)) => seed = v,
            _ => {
                eprintln!("usage: gen --statements N --seed S [--codes]");
                std::process::exit(2);
            }
        }
    }
    let text = if codes {
        dossier::generate::generate_coded(statements, seed)
    } else {
        dossier::generate::generate(statements, seed)
    };
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
}
