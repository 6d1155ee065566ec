//! Writes a generated relation file to stdout:
//! `cargo run --release --example gen -- --statements N --seed S > FILE`.

use std::io::Write;

fn main() {
    let mut statements = 1_000_000;
    let mut seed = 1;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let value = args.next().and_then(|v| v.parse().ok());
        match (arg.as_str(), value) {
            ("--statements", Some(v)) => statements = v,
            ("--seed", Some(v)) => seed = v,
            _ => {
                eprintln!("usage: gen --statements N --seed S");
                std::process::exit(2);
            }
        }
    }
    let text = dossier::generate::generate(statements, seed);
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
}
