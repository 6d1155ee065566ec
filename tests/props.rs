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
        Options { strict: true },
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
