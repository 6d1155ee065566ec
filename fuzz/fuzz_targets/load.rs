// Shared by the loader targets: loads `data` as a file named `name` and
// checks what a load promises: an error renders, and a graph is whole.
pub fn load(name: &str, data: &[u8]) {
    // `include` reads other files (even devices): not this target's business.
    if data.windows(7).any(|w| w.eq_ignore_ascii_case(b"include")) {
        return;
    }
    let input = dossier::build::Input::Bytes {
        name: name.into(),
        bytes: data.to_vec(),
    };
    match dossier::graph::Graph::from_inputs(&[input], Default::default()) {
        Ok(graph) => {
            let json = dossier::export::json::json(&graph);
            assert!(!json.is_empty());
        }
        Err(e) => {
            let text = e.render(false);
            assert!(text.contains("error"), "{text}");
        }
    }
}
