//! The `dossier` binary: the command line of [`dossier::cli`], with a panic
//! reported once, plainly, as a bug.

use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};

fn main() -> ExitCode {
    // A panic is a bug: say so once, plainly, ask for a report and exit
    // with 101, without Rust's backtrace (RUST_BACKTRACE=1 still gives one).
    static SAID: AtomicBool = AtomicBool::new(false);
    std::panic::set_hook(Box::new(|info| {
        if SAID.swap(true, Ordering::SeqCst) {
            return;
        }
        let payload = info.payload();
        let message = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".into());
        let place = info
            .location()
            .map(|l| format!(" ({}:{})", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!(
            "dossier: internal error: {message}{place}\n\
             This is a bug in Dossier. Please report it with the command and \
             the input that caused it."
        );
        if std::env::var_os("RUST_BACKTRACE").is_some_and(|v| v != "0") {
            eprintln!("{}", std::backtrace::Backtrace::force_capture());
        }
    }));
    match std::panic::catch_unwind(dossier::cli::main) {
        Ok(code) => code,
        Err(_) => ExitCode::from(101),
    }
}
