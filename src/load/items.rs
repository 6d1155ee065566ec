//! What each item of a file does to the graph: entities found or made,
//! declarations merged, statements and facts added with their attributes
//! (and a `with` line's), citations and quotes noted for the checks.

use super::*;

impl Loader<'_> {
    pub(crate) fn entity(&mut self, name: &Text<'_>, at: At) -> Option<NodeIndex> {
        if name.text.is_empty() {
            self.diagnostics.push(
                Diagnostic::at(at.file, name.span, "a name cannot be empty")
                    .label("empty name")
                    .help("give the entity a name of at least one character"),
            );
            return None;
        }
        let (node, created) = self.graph.find_or_add(&name.text, at.origin);
        if created && (self.options.strict || self.options.undeclared_hints) {
            self.first_use.insert(node, (at.file, name.span));
        }
        Some(node)
    }

    /// `attrs` with the attributes of the last `with` line that they do not
    /// set themselves.
    fn with_attrs<'a>(&mut self, attrs: &mut Vec<Attr<'a>>, at: At) {
        for a in &self.with {
            if !attrs.iter().any(|b| b.key.text == a.key.text) {
                attrs.push(a.clone());
            }
        }
        let mut cited = None;
        let mut quote = None;
        let mut occurrence = None;
        for a in attrs.iter() {
            match (&a.value, &*a.key.text) {
                (crate::ast::Value::Name(name), "source") => {
                    let name = crate::name::nfc(name.clone()).into_owned();
                    self.citations.push((name.clone(), at.file, a.value_span));
                    cited = Some(name);
                }
                (crate::ast::Value::Str(text), "quote") => quote = Some((text, a.value_span)),
                (crate::ast::Value::Int(n), "occurrence") if *n >= 1 && *n <= u32::MAX as i64 => {
                    occurrence = Some((*n as u32, a.value_span));
                }
                (_, "occurrence") => self.diagnostics.push(
                    Diagnostic::at(
                        at.file,
                        a.value_span,
                        "an `occurrence` is a whole number from 1",
                    )
                    .label("not an occurrence")
                    .help("`occurrence: 2` anchors a quote at its second place in the source"),
                ),
                _ => {}
            }
        }
        match (cited, quote) {
            _ if self.from_export => {}
            (Some(source), Some((text, span))) => self.quotes.push(quotes::QuoteRef {
                quote: text.to_string(),
                source,
                occurrence,
                file: at.file,
                span,
            }),
            (None, Some((_, span))) => self.unsourced.push((at.file, span)),
            _ => {}
        }
    }

    pub(crate) fn declaration(&mut self, mut d: Declaration<'_>, at: At) {
        self.with_attrs(&mut d.attrs, at);
        if d.kind.text == "source"
            && !self.from_export
            && let Some(a) = d.attrs.iter().find(|a| a.key.text == "file")
        {
            if let crate::ast::Value::Str(_) = a.value {
                self.source_files.push(quotes::SourceFile {
                    source: crate::name::nfc(d.name.text.clone()).into_owned(),
                    file: at.file,
                    span: a.value_span,
                });
            } else {
                self.diagnostics.push(
                    Diagnostic::at(
                        at.file,
                        a.value_span,
                        "a source's `file` is a path in quotes",
                    )
                    .label("not a string")
                    .help("write `file: \"sources/article.txt\"`, relative to this file"),
                );
            }
        }
        let Some(node) = self.entity(&d.name, at) else {
            return;
        };
        let kind = self.graph.kinds.intern(&d.kind.text);
        let attrs = self.attrs(&d.attrs);
        let entity = self.graph.entity(node);
        if !entity.declared {
            let label = d.label.map(|l| self.graph.add_label(&l.text));
            let entity = self.graph.entity_mut(node);
            entity.kind = kind;
            entity.label = label;
            entity.attrs = attrs;
            entity.origin = at.origin;
            entity.declared = true;
            return;
        }
        // A second declaration: same kind merges, anything else conflicts.
        let earlier = entity.origin;
        let name = &d.name.text;
        if entity.kind != kind {
            let old = self.graph.kinds.name(entity.kind).to_string();
            let mut diag = Diagnostic::at(
                at.file,
                d.kind.span,
                format!("`{name}` is declared as `{}` and as `{old}`", d.kind.text),
            )
            .label(format!("declared as `{}` here", d.kind.text));
            diag = self.with_earlier(diag, earlier, format!("first declared as `{old}` here"));
            let help = match did_you_mean(&d.kind.text, [old.as_str()]) {
                Some(near) => format!("did you mean `{near}`? An entity has one kind"),
                None => "an entity has one kind; rename one of them or use the same kind".into(),
            };
            self.diagnostics.push(diag.help(help));
            return;
        }
        if let (Some(old), Some(new)) = (self.graph.label_of(entity), &d.label)
            && *old != *new.text
        {
            let msg = format!(
                "`{name}` is labelled {} and {}",
                quoted(old),
                quoted(&new.text)
            );
            let diag = Diagnostic::at(at.file, new.span, msg).label("second label here");
            let diag = self.with_earlier(diag, earlier, "first label here".into());
            self.diagnostics
                .push(diag.help("an entity has one label; drop one of them"));
            return;
        }
        let old_attrs = self.graph.attrs(entity.attrs).to_vec();
        let mut merged = old_attrs.clone();
        for (key, value) in self.graph.attrs(attrs).to_vec() {
            match old_attrs.iter().find(|(k, _)| *k == key) {
                Some((_, old)) if *old != value => {
                    let key_name = self.graph.keys.name(key).to_string();
                    let span = d
                        .attrs
                        .iter()
                        .find(|a| *a.key.text == key_name)
                        .map_or(d.name.span, |a| a.value_span);
                    let msg =
                        format!("`{name}` has two values for `{key_name}`: {old} and {value}");
                    let diag = Diagnostic::at(at.file, span, msg).label("second value here");
                    let diag = self.with_earlier(diag, earlier, "first declared here".into());
                    self.diagnostics.push(
                        diag.help("an attribute of an entity has one value; drop one of them"),
                    );
                    return;
                }
                Some(_) => {}
                None => merged.push((key, value)),
            }
        }
        let merged = self.graph.intern_attrs(merged);
        if let Some(label) = d.label
            && self.graph.label(node).is_none()
        {
            self.graph.set_label(node, &label.text);
        }
        self.graph.entity_mut(node).attrs = merged;
    }

    /// Adds a note pointing at an earlier line: on its text when that file
    /// was read in this load, else by file and line in words.
    pub(crate) fn with_earlier(
        &self,
        diag: Diagnostic,
        earlier: Origin,
        note: String,
    ) -> Diagnostic {
        match self.source_of.get(&earlier.file) {
            Some(&file) => {
                let (_, text) = self.sources.get(file);
                diag.also(file, line_span(text, earlier.line), note)
            }
            None => {
                let file = &self.graph.files[earlier.file as usize];
                let label = diag.label.clone();
                diag.label(format!("{label} ({note} at {file}:{})", earlier.line))
            }
        }
    }

    pub(crate) fn statement(&mut self, mut s: Statement<'_>, at: At) {
        self.with_attrs(&mut s.attrs, at);
        let Some(subject) = self.entity(&s.subject, at) else {
            return;
        };
        let object = match &s.object {
            Some(o) => match self.entity(o, at) {
                Some(node) => Some(node),
                None => return,
            },
            None => None,
        };
        let relation = self.graph.relations.intern(&s.predicate.text);
        let attrs = self.attrs(&s.attrs);
        match object {
            Some(object) => {
                let edge = Edge {
                    relation,
                    attrs,
                    origin: at.origin,
                };
                self.edges.push((subject, object, edge));
            }
            None => {
                self.graph.add_fact(Fact {
                    subject,
                    predicate: relation,
                    attrs,
                    origin: at.origin,
                });
            }
        }
    }

    pub(crate) fn attrs(&mut self, attrs: &[Attr<'_>]) -> AttrsId {
        if attrs.is_empty() {
            return NO_ATTRS;
        }
        let set: Vec<(Sym, Value)> = attrs
            .iter()
            .map(|a| {
                let value = match &a.value {
                    crate::ast::Value::Int(v) => Value::Int(*v),
                    crate::ast::Value::Dec(v) => Value::Dec(*v),
                    crate::ast::Value::Str(v) => Value::Str((**v).into()),
                    crate::ast::Value::Date(v) => Value::Date(*v),
                    crate::ast::Value::Bool(v) => Value::Bool(*v),
                    crate::ast::Value::Name(v) => Value::Name((**v).into()),
                };
                (self.graph.keys.intern(&a.key.text), value)
            })
            .collect();
        self.graph.intern_attrs(set)
    }
}
