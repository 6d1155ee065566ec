//! Properties: no input makes the loader panic.

use dossier::build::{Input, Options};
use dossier::graph::Graph;
use proptest::prelude::*;

fn load(text: String) {
    let _ = Graph::from_inputs(
        &[Input::Text {
            name: "p.kg".into(),
            text,
        }],
        Options {
            strict: true,
            ..Options::default()
        },
    );
}

/// Lines made of the language's own pieces, so that the property reaches
/// deep into the grammar instead of failing on the first character.
fn line() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("A".to_string()),
        Just("North_Korea".to_string()),
        Just("\"quoted \\\" name\"".to_string()),
        Just(":".to_string()),
        Just("state".to_string()),
        Just("{".to_string()),
        Just("}".to_string()),
        Just(",".to_string()),
        Just("k: 1".to_string()),
        Just("d: 2014-02-29".to_string()),
        Just("x: -1.5".to_string()),
        Just("\\u{".to_string()),
        Just("#".to_string()),
        Just("include".to_string()),
        Just("\"".to_string()),
        Just("\r".to_string()),
        Just("\t".to_string()),
        Just("# comment \r".to_string()),
        Just("Café".to_string()),
        "\\PC{0,3}",
    ];
    prop::collection::vec(piece, 0..8).prop_map(|p| p.join(" "))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn any_string_loads_or_fails_without_panicking(text in "\\PC*") {
        load(text);
    }

    #[test]
    fn near_miss_files_load_or_fail_without_panicking(lines in prop::collection::vec(line(), 0..12)) {
        load(lines.join("\n"));
    }

    #[test]
    fn any_bytes_load_or_fail_without_panicking(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        let dir = std::env::temp_dir().join(format!("dossier-prop-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("b.kg");
        std::fs::write(&path, &bytes).unwrap();
        let _ = Graph::from_inputs(&[Input::Path(path)], Options::default());
    }
}

/// What the parser says of each line of `text`, batch by batch or line by line.
fn parsed(text: &str, batch: bool) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    if batch {
        dossier::parse::parse_text(0, text, |n, r| out.push((n, format!("{r:?}"))));
    } else {
        let mut offset = 0;
        for (n, line) in text.split('\n').enumerate() {
            let content = line.strip_suffix('\r').unwrap_or(line);
            match dossier::parse::parse_line(0, offset, content) {
                Ok(None) => {}
                Ok(Some(item)) => out.push((n, format!("{:?}", Ok::<_, ()>(item)))),
                Err(e) => out.push((n, format!("{:?}", Err::<(), _>(e)))),
            }
            offset += line.len() + 1;
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1024, ..ProptestConfig::default() })]

    /// Batches are a speed-up only: they must accept exactly what single
    /// lines accept, and say the same of every line.
    #[test]
    fn batches_parse_like_single_lines(lines in prop::collection::vec(line(), 0..12), crlf in any::<bool>()) {
        let text = lines.join(if crlf { "\r\n" } else { "\n" });
        let batch = parsed(&text, true);
        let single = parsed(&text, false);
        prop_assert_eq!(batch, single);
    }
}

#[test]
fn batches_parse_like_single_lines_on_the_bundled_graph() {
    let text = dossier::cli::BUNDLED_TEXT;
    assert_eq!(parsed(text, true), parsed(text, false));
    assert!(parsed(text, true).len() > 60);
}

#[test]
fn batch_boundaries_keep_line_numbers() {
    // Several batches, a line longer than a batch, and an error far in.
    let mut text = dossier::generate::generate(20_000, 7);
    text.push_str(&format!(
        "Long r B {{quote: \"{}\"}}\n",
        "x".repeat(100_000)
    ));
    text.push_str("Broken r B C\n");
    text.push_str(&dossier::generate::generate(3_000, 8));
    let batch = parsed(&text, true);
    assert_eq!(batch, parsed(&text, false));
    let broken = text.lines().position(|l| l == "Broken r B C").unwrap();
    assert!(
        batch
            .iter()
            .any(|(n, r)| *n == broken && r.starts_with("Err"))
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// A snapshot header over any bytes (with or without a matching
    /// checksum) is read or refused, never a panic.
    #[test]
    fn any_snapshot_bytes_are_read_or_refused(body in prop::collection::vec(any::<u8>(), 0..400), version in 0u32..3, fix_sum in any::<bool>()) {
        let mut bytes = b"DOSSIER-SNAPSHOT".to_vec();
        bytes.extend_from_slice(&version.to_le_bytes());
        bytes.extend_from_slice(&(body.len() as u64).to_le_bytes());
        let h = if fix_sum { dossier::snapshot::checksum(&body) } else { 0 };
        bytes.extend_from_slice(&h.to_le_bytes());
        bytes.extend_from_slice(&body);
        let _ = dossier::snapshot::read(&bytes);
    }
}
