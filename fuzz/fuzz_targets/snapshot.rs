#![no_main]
//! The snapshot reader on arbitrary bytes: an error or a graph, never a
//! panic, and a graph it accepts writes back to the same bytes.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(graph) = dossier::snapshot::read(data) {
        let again = dossier::snapshot::write(&graph);
        assert!(dossier::snapshot::read(&again).is_ok());
    }
});
