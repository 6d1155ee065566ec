//! The shell's history file: where it lives, and entries appended a query
//! at a time in rustyline's format, so that two shells both keep theirs.

use std::path::PathBuf;

/// Where the history lives: `$DOSSIER_HISTORY`, else
/// `$XDG_STATE_HOME/dossier/history`, else `~/.local/state/dossier/history`.
/// A relative `XDG_STATE_HOME` is ignored, as the XDG specification says.
pub fn history_path() -> Option<PathBuf> {
    history_path_from(|name| std::env::var_os(name).filter(|v| !v.is_empty()))
}

fn history_path_from(var: impl Fn(&str) -> Option<std::ffi::OsString>) -> Option<PathBuf> {
    if let Some(path) = var("DOSSIER_HISTORY") {
        return Some(PathBuf::from(path));
    }
    if let Some(state) = var("XDG_STATE_HOME").map(PathBuf::from)
        && state.is_absolute()
    {
        return Some(state.join("dossier/history"));
    }
    var("HOME").map(|home| PathBuf::from(home).join(".local/state/dossier/history"))
}

/// How many entries the shell keeps.
pub(super) const HISTORY_SIZE: usize = 10_000;

/// The history file, in rustyline's format (`#V2`, then an entry a line
/// with `\n` and `\\` escaped). Each query is appended as it is run, in one
/// write, so two shells open at once both keep theirs; a file grown past
/// twice the size kept is rewritten with its last entries when a shell
/// opens. Written by the rules of [`crate::files`]: a device such as
/// `/dev/null` is written through, never replaced.
pub(super) struct History {
    path: PathBuf,
    /// The first failure was reported: say it once, not every query.
    warned: bool,
}

impl History {
    pub(super) fn new(path: PathBuf) -> History {
        History {
            path,
            warned: false,
        }
    }

    /// The entries of a regular history file, oldest first; a device, FIFO
    /// or missing file has none.
    pub(super) fn load(&self) -> Vec<String> {
        let Ok(target) = crate::files::follow_links(&self.path) else {
            return Vec::new();
        };
        match std::fs::metadata(&target) {
            Ok(meta) if meta.is_file() => {}
            _ => return Vec::new(),
        }
        let Ok(bytes) = std::fs::read(&target) else {
            return Vec::new();
        };
        let text = String::from_utf8_lossy(&bytes);
        let mut lines = text.lines().peekable();
        let v2 = lines.peek() == Some(&"#V2");
        if v2 {
            lines.next();
        }
        let entries: Vec<String> = lines
            .filter(|l| !l.is_empty())
            .map(|l| if v2 { unescape(l) } else { l.to_string() })
            .collect();
        if entries.len() > 2 * HISTORY_SIZE {
            let kept = &entries[entries.len() - HISTORY_SIZE..];
            let mut file = String::from("#V2\n");
            for entry in kept {
                file.push_str(&escape(entry));
                file.push('\n');
            }
            let _ = crate::files::write_file(&self.path, file.as_bytes());
            return kept.to_vec();
        }
        entries
    }

    pub(super) fn append(&mut self, entry: &str) {
        let fresh = crate::files::follow_links(&self.path)
            .map(|t| std::fs::symlink_metadata(t).is_err())
            .unwrap_or(false);
        let mut line = if fresh {
            String::from("#V2\n")
        } else {
            String::new()
        };
        line.push_str(&escape(entry));
        line.push('\n');
        if let Err(e) = crate::files::append(&self.path, line.as_bytes())
            && !self.warned
        {
            self.warned = true;
            eprintln!(
                "warning: cannot write the history file `{}`: {e}; this session's queries will not be kept",
                self.path.display()
            );
        }
    }
}

pub(super) fn escape(entry: &str) -> String {
    entry.replace('\\', "\\\\").replace('\n', "\\n")
}

pub(super) fn unescape(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some(other) => out.push(other),
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn history_path_order() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| std::ffi::OsString::from(v))
            }
        };
        let all = env(&[
            ("DOSSIER_HISTORY", "/tmp/h"),
            ("XDG_STATE_HOME", "/s"),
            ("HOME", "/home/u"),
        ]);
        assert_eq!(history_path_from(all), Some(PathBuf::from("/tmp/h")));
        let xdg = env(&[("XDG_STATE_HOME", "/s"), ("HOME", "/home/u")]);
        assert_eq!(
            history_path_from(xdg),
            Some(PathBuf::from("/s/dossier/history"))
        );
        let home = env(&[("HOME", "/home/u")]);
        assert_eq!(
            history_path_from(home),
            Some(PathBuf::from("/home/u/.local/state/dossier/history"))
        );
        assert_eq!(history_path_from(env(&[])), None);
    }
}
