//! Writes `data/world.kg` from the public data sets in DIR:
//! `cargo run --example world -- data/sources/world > data/world.kg`.

fn main() {
    let Some(dir) = std::env::args().nth(1) else {
        eprintln!("usage: world DIR > data/world.kg");
        std::process::exit(2);
    };
    match dossier::world::convert(std::path::Path::new(&dir)) {
        Ok(text) => print!("{text}"),
        Err(e) => {
            eprintln!("world: {e}");
            std::process::exit(1);
        }
    }
}
