#![no_main]
//! The query parser and evaluator on arbitrary text against the bundled
//! graph: an answer or a diagnostic, never a panic, within the state limit.

use std::sync::OnceLock;

fn graph() -> &'static dossier::graph::Graph {
    static GRAPH: OnceLock<dossier::graph::Graph> = OnceLock::new();
    GRAPH.get_or_init(|| {
        dossier::query::eval::set_max_states(100_000);
        let text = include_str!("../../data/koreas.kg");
        let input = dossier::build::Input::Text {
            name: "koreas.kg".into(),
            text: text.into(),
        };
        dossier::graph::Graph::from_inputs(&[input], Default::default()).unwrap()
    })
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let graph = graph();
    if let Ok(query) = dossier::query::parse_query(0, 0, text) {
        let _ = dossier::query::eval::evaluate(graph, 0, &query);
    }
});
