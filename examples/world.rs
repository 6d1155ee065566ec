//! Writes `data/world.kg` from the public data sets in DIR (by default the
//! repository's `data/sources/world`):
//! `cargo run --example world > data/world.kg`.

fn main() {
    let dir = std::env::args().nth(1).map_or_else(
        || std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/sources/world"),
        std::path::PathBuf::from,
    );
    match dossier::world::convert(&dir) {
        Ok(text) => print!("{text}"),
        Err(e) => {
            eprintln!("world: {e}");
            std::process::exit(1);
        }
    }
}
