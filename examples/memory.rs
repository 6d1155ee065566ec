//! Resident memory of a loaded graph, per edge:
//! `cargo run --release --example memory -- FILE`.
//! Reads VmRSS from /proc before and after the load (Linux only).

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: memory FILE");
        std::process::exit(2);
    };
    let before = dossier::generate::resident_kib();
    let start = std::time::Instant::now();
    let input = dossier::build::Input::Path(path.into());
    let graph = match dossier::graph::Graph::from_inputs(&[input], Default::default()) {
        Ok(graph) => graph,
        Err(e) => {
            eprint!("{}", e.render(false));
            std::process::exit(1);
        }
    };
    let elapsed = start.elapsed();
    let after = dossier::generate::resident_kib();
    let edges = graph.relation_count().max(1) as u64;
    println!(
        "{} entities, {} relations, {} facts loaded in {:.2?}: {} KiB resident, {:.1} bytes per edge",
        graph.entity_count(),
        graph.relation_count(),
        graph.fact_count(),
        elapsed,
        after - before,
        (after - before) as f64 * 1024.0 / edges as f64
    );
}
