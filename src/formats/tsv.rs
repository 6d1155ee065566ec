//! TSV imports: `head<TAB>relation<TAB>tail` a line, names as they are
//! (the layout of FB15k and WN18).

use crate::load::*;

impl Loader<'_> {
    /// Tab-separated triples, `head<TAB>relation<TAB>tail` a line, the
    /// layout of common knowledge-graph benchmark sets. Names are taken as
    /// they are, with no quoting.
    pub(crate) fn tsv(&mut self, name: String, bytes: Cow<'_, [u8]>) {
        // A byte-order mark is not part of the first head.
        let mut bytes = bytes.into_owned();
        if bytes.starts_with("\u{feff}".as_bytes()) {
            bytes.drain(.."\u{feff}".len());
        }
        let (mut text, raw) = shared_text(bytes);
        let valid = raw.is_none();
        // Names compare in normal form C: a text that is not (few are, and
        // no ASCII one) is normalised whole; tabs and line ends stay.
        if valid && let Cow::Owned(normal) = crate::name::nfc(Cow::Borrowed(text.as_str())) {
            text = SourceText::new(normal);
        }
        let graph_file = self.graph.files.len() as u32;
        self.graph.files.push(name.clone());
        let file = self.sources.add_shared(name, text.clone());
        self.source_of.insert(graph_file, file);
        // Lines are split a chunk at a time, and the chunk's names are
        // prefetched in the name index before its statements are built
        // (see `Loader::prefetch`).
        let mut chunk: Vec<(usize, usize, [&str; 3])> = Vec::with_capacity(TSV_CHUNK);
        let mut offset = 0;
        let mut lines = text.split('\n').enumerate().peekable();
        while lines.peek().is_some() {
            chunk.clear();
            self.keep_few_diagnostics();
            for (number, raw) in lines.by_ref().take(TSV_CHUNK) {
                let start = offset;
                offset += raw.len() + 1;
                let line = raw.strip_suffix('\r').unwrap_or(raw);
                if line.trim().is_empty() {
                    continue;
                }
                if !valid && line.contains('\u{fffd}') {
                    let col = line.find('\u{fffd}').unwrap_or(0);
                    self.diagnostics.push(
                        Diagnostic::at(
                            file,
                            Span::new(start + col, start + col + 3),
                            "this line is not valid UTF-8",
                        )
                        .label("invalid byte here"),
                    );
                    continue;
                }
                let mut fields = line.splitn(4, '\t');
                let triple = [fields.next(), fields.next(), fields.next(), fields.next()];
                let [Some(head), Some(relation), Some(tail), None] = triple else {
                    let count = line.split('\t').count();
                    self.diagnostics.push(
                        Diagnostic::at(
                            file,
                            Span::new(start, start + line.len()),
                            format!(
                                "a TSV line has 3 fields (head, relation, tail); this one has {count}"
                            ),
                        )
                        .label("this line")
                        .help("write `head<TAB>relation<TAB>tail`, separated by tab characters"),
                    );
                    continue;
                };
                if [head, relation, tail].iter().any(|f| f.is_empty()) {
                    self.diagnostics.push(
                        Diagnostic::at(
                            file,
                            Span::new(start, start + line.len()),
                            "a TSV field is empty",
                        )
                        .label("this line")
                        .help("write `head<TAB>relation<TAB>tail`, separated by tab characters"),
                    );
                    continue;
                }
                if let Some(problem) = value::relation_name_problem(relation) {
                    let from = start + head.len() + 1;
                    self.diagnostics.push(
                        Diagnostic::at(file, Span::new(from, from + relation.len()), problem)
                            .label("this relation")
                            .help("a relation name may hold any character but tabs, line ends and other control characters"),
                    );
                    continue;
                }
                self.graph.prefetch_name(head);
                self.graph.prefetch_name(tail);
                chunk.push((number, start, [head, relation, tail]));
            }
            for &(number, start, [head, relation, tail]) in &chunk {
                let at = At {
                    file,
                    origin: Origin {
                        file: graph_file,
                        line: number as u32 + 1,
                    },
                };
                fn text(f: &str, from: usize) -> Text<'_> {
                    Text {
                        text: Cow::Borrowed(f),
                        span: Span::new(from, from + f.len()),
                    }
                }
                let statement = Statement {
                    subject: text(head, start),
                    predicate: text(relation, start + head.len() + 1),
                    object: Some(text(tail, start + head.len() + relation.len() + 2)),
                    attrs: Vec::new(),
                    span: Span::new(start, start + head.len() + relation.len() + tail.len() + 2),
                };
                self.statement(statement, at);
            }
        }
    }
}
