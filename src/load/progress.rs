//! A progress bar that appears once a file has taken a second to load.

/// A progress bar that appears once a file has taken a second to load.
pub(crate) struct Progress {
    bar: Option<indicatif::ProgressBar>,
    enabled: bool,
    start: std::time::Instant,
    name: String,
    total: usize,
}

impl Progress {
    pub(crate) fn new(enabled: bool, name: &str, total: usize) -> Progress {
        use std::io::IsTerminal;
        let enabled = enabled && std::io::stderr().is_terminal();
        Progress {
            bar: None,
            enabled,
            start: std::time::Instant::now(),
            name: name.to_string(),
            total,
        }
    }

    pub(crate) fn advance(&mut self, done: usize) {
        if !self.enabled {
            return;
        }
        if self.bar.is_none() && self.start.elapsed() >= std::time::Duration::from_secs(1) {
            let bar = indicatif::ProgressBar::with_draw_target(
                Some(self.total as u64),
                indicatif::ProgressDrawTarget::stderr(),
            );
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "loading {msg} {wide_bar} {bytes}/{total_bytes} ({eta} left)",
                )
                .expect("the template is valid"),
            );
            bar.set_message(self.name.clone());
            self.bar = Some(bar);
        }
        if let Some(bar) = &self.bar {
            bar.set_position(done as u64);
        }
    }

    pub(crate) fn finish(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}
