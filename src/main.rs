use clap::Parser;

fn main() -> std::process::ExitCode {
    dossier::cli::run(dossier::cli::Cli::parse())
}
