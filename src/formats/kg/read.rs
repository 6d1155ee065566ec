//! Reading relation files: a file's text parsed in batches on every core
//! and built in order; a file that is not relation text is said once.

use crate::load::*;

impl Loader<'_> {
    /// A file four fifths of whose lines (five or more) are errors, its
    /// first among them, is not
    /// relation text (`include "/etc/passwd"`): only its first error is
    /// kept, so that its lines are not echoed to the terminal.
    pub(crate) fn not_relation_text(&mut self, file: FileId, before: (usize, usize), text: &str) {
        let (before, dropped) = before;
        let errors = self.diagnostics.len() - before + (self.not_kept - dropped);
        // A few errors are a file with mistakes, not another kind of file.
        if errors < 5 || before >= self.diagnostics.len() {
            return;
        }
        let content = text
            .lines()
            .filter(|l| {
                let t = l.trim();
                !t.is_empty() && !t.starts_with('#')
            })
            .count();
        let first_line = text
            .lines()
            .position(|l| {
                let t = l.trim();
                !t.is_empty() && !t.starts_with('#')
            })
            .unwrap_or(0)
            + 1;
        let first = &self.diagnostics[before];
        let first_is_first_line = first.place.is_some_and(|p| {
            p.file == file && self.sources.line_col(file, p.span.start).0 == first_line
        });
        if !first_is_first_line || errors * 10 < content * 8 {
            return;
        }
        let mut kept = self.diagnostics[before].clone();
        kept.help = Some(format!(
            "{} of its {content} lines are errors: this does not look like a relation file, so its other lines are not shown",
            errors
        ));
        self.diagnostics.truncate(before);
        self.not_kept = dropped;
        self.diagnostics.push(kept);
    }

    pub(crate) fn text(&mut self, name: String, bytes: Cow<'_, [u8]>, input: &Input) {
        let display = name.clone();
        // A byte-order mark is not part of the text, nor of its first line.
        let mut bytes = bytes.into_owned();
        if bytes.starts_with("\u{feff}".as_bytes()) {
            bytes.drain(.."\u{feff}".len());
        }
        // The text goes into the `Sources` that diagnostics point into (a
        // file read is moved there, not copied); a file that is not UTF-8
        // is shown with its bad bytes replaced.
        let (text, raw) = shared_text(bytes);
        let bytes: &[u8] = raw.as_deref().unwrap_or(text.as_bytes());
        let valid = raw.is_none();
        let graph_file = self.graph.files.len() as u32;
        self.graph.files.push(name.clone());
        let file = self.sources.add_shared(name, text.clone());
        self.source_of.insert(graph_file, file);
        self.edges
            .reserve(bytes.iter().filter(|&&b| b == b'\n').count() + 1);
        let before = (self.diagnostics.len(), self.not_kept);
        if valid {
            let mut progress = Progress::new(self.options.progress, &display, text.len());
            let list: Vec<Batch<'_>> = batches(&text).collect();
            // Lines are independent: worker threads parse batches while
            // this thread builds them, in file order, as they come.
            let workers = std::thread::available_parallelism()
                .map_or(1, |n| n.get())
                .min(4);
            let cancelled = if list.len() < 4 || workers < 2 {
                let mut cancelled = false;
                for batch in &list {
                    if crate::cancel::requested() {
                        cancelled = true;
                        break;
                    }
                    parse_lines(file, batch.offset, batch.text, |number, item| {
                        self.built(batch, number, item, file, graph_file, input)
                    });
                    progress.advance(batch.offset + batch.text.len());
                    self.keep_few_diagnostics();
                }
                cancelled
            } else {
                let next = std::sync::atomic::AtomicUsize::new(0);
                std::thread::scope(|scope| {
                    type Parsed<'s> = Vec<(usize, crate::parse::PResult<Item<'s>>)>;
                    let (tx, rx) =
                        std::sync::mpsc::sync_channel::<(usize, Parsed<'_>)>(2 * workers);
                    for _ in 0..workers {
                        let tx = tx.clone();
                        let (list, next) = (&list, &next);
                        scope.spawn(move || {
                            loop {
                                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                                let Some(batch) = list.get(i) else { break };
                                if crate::cancel::requested() {
                                    break;
                                }
                                let mut out = Vec::new();
                                parse_lines(file, batch.offset, batch.text, |number, item| {
                                    out.push((number, item))
                                });
                                if tx.send((i, out)).is_err() {
                                    break;
                                }
                            }
                        });
                    }
                    drop(tx);
                    let mut waiting: std::collections::BTreeMap<usize, Parsed<'_>> =
                        std::collections::BTreeMap::new();
                    let mut want = 0;
                    for (i, parsed) in rx {
                        if crate::cancel::requested() {
                            return true;
                        }
                        waiting.insert(i, parsed);
                        while let Some(parsed) = waiting.remove(&want) {
                            let batch = &list[want];
                            let mut parsed = std::collections::VecDeque::from(parsed);
                            while let Some((number, item)) = parsed.pop_front() {
                                if let Some((_, Ok(ahead))) = parsed.get(PREFETCH_AHEAD) {
                                    self.prefetch(ahead);
                                }
                                self.built(batch, number, item, file, graph_file, input);
                            }
                            progress.advance(batch.offset + batch.text.len());
                            self.keep_few_diagnostics();
                            want += 1;
                        }
                    }
                    want < list.len()
                })
            };
            if cancelled {
                self.diagnostics
                    .push(Diagnostic::bare("load cancelled; nothing was loaded"));
                return;
            }
            progress.finish();
            self.not_relation_text(file, before, &text);
            return;
        }
        // Not UTF-8: line by line, pointing at the first bad byte of each
        // bad line.
        let raw_lines = bytes.split(|&b| b == b'\n');
        let mut offset = 0;
        for ((number, line), raw) in text.split('\n').enumerate().zip(raw_lines) {
            if number % 1024 == 0 {
                self.keep_few_diagnostics();
            }
            let at = At {
                file,
                origin: Origin {
                    file: graph_file,
                    line: number as u32 + 1,
                },
            };
            let line_len = line.len();
            let line = line.strip_suffix('\r').unwrap_or(line);
            if let Err(e) = std::str::from_utf8(raw) {
                let col = String::from_utf8_lossy(&raw[..e.valid_up_to()]).len();
                let start = offset + col;
                self.diagnostics.push(
                    Diagnostic::at(file, Span::new(start, start + 3), "this line is not valid UTF-8")
                        .label("invalid byte here")
                        .help("relation files are UTF-8 text; convert the file, e.g. `iconv -f latin1 -t utf-8` (the rest of the file is not shown)"),
                );
                // The first bad line only: a file that is not text is not
                // echoed to the terminal line by line.
                return;
            } else {
                match parse_line(file, offset, line) {
                    Ok(Some(item)) => self.item(item, at, input),
                    Ok(None) => {}
                    Err(d) => self.diagnostics.push(*d),
                }
            }
            offset += line_len + 1;
        }
    }
}
