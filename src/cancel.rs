//! Cancelling a long query or load: Ctrl-C in the shell sets a flag that
//! searches and loads check as they go.

use std::sync::atomic::{AtomicBool, Ordering};

static CANCEL: AtomicBool = AtomicBool::new(false);

/// Asks whatever runs now to stop (from a signal handler).
pub fn request() {
    CANCEL.store(true, Ordering::Relaxed);
}

/// Whether a stop was asked for.
pub fn requested() -> bool {
    CANCEL.load(Ordering::Relaxed)
}

/// Clears the flag before a new command.
pub fn reset() {
    CANCEL.store(false, Ordering::Relaxed);
}
