//! Cancelling a long query or load: Ctrl-C in the shell sets a flag that
//! searches and loads check as they go.

use std::cell::Cell;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

static CANCEL: AtomicBool = AtomicBool::new(false);

thread_local! {
    /// When this thread's query must stop (`dossier serve`'s time limit).
    static DEADLINE: Cell<Option<Instant>> = const { Cell::new(None) };
}

/// Runs `f` with a deadline on this thread: past it, [`requested`] says
/// stop. Gives `f`'s result and whether the deadline passed.
pub fn within<T>(deadline: Instant, f: impl FnOnce() -> T) -> (T, bool) {
    DEADLINE.with(|d| d.set(Some(deadline)));
    let out = f();
    DEADLINE.with(|d| d.set(None));
    (out, Instant::now() >= deadline)
}

/// Asks whatever runs now to stop (from a signal handler).
pub fn request() {
    CANCEL.store(true, Ordering::Relaxed);
}

/// Whether a stop was asked for.
pub fn requested() -> bool {
    CANCEL.load(Ordering::Relaxed)
        || DEADLINE.with(|d| d.get().is_some_and(|t| Instant::now() >= t))
}

/// Clears the flag before a new command.
pub fn reset() {
    CANCEL.store(false, Ordering::Relaxed);
}
