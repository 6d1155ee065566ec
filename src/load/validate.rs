//! The checks a load makes once every file is read: relation declarations
//! (their kinds, what each statement of a declared relation joins) and
//! `--strict` (every name declared).

use super::*;

impl Loader<'_> {
    /// `relation ...`: records what the relation means. The same
    /// declaration twice is one; two different ones are an error.
    pub(crate) fn relation(&mut self, r: crate::ast::RelationDeclaration<'_>, at: At) {
        let name = self.graph.relations.intern(&r.name.text);
        let mut kinds = |list: &Option<Vec<Text<'_>>>| {
            list.as_ref().map(|l| {
                l.iter()
                    .map(|k| self.graph.kinds.intern(&k.text))
                    .collect::<Vec<Sym>>()
            })
        };
        let subject = kinds(&r.subject);
        let object = kinds(&r.object);
        // The partner of `inverse` or `excludes`, which cannot be the
        // relation itself.
        let mut partner = |other: &Option<Text<'_>>, what: &str, help: &str| {
            let other = other.as_ref().map(|i| self.graph.relations.intern(&i.text));
            if other == Some(name) {
                self.diagnostics.push(
                    Diagnostic::at(at.file, r.span, format!("`{}` cannot {what}", r.name.text))
                        .label("here")
                        .help(help.to_string()),
                );
                return Err(());
            }
            Ok(other)
        };
        let Ok(inverse_of) = partner(
            &r.inverse_of,
            "be its own inverse",
            "a relation that reads the same both ways is symmetric: `relation NAME: KIND <-> KIND`",
        ) else {
            return;
        };
        let Ok(excludes) = partner(
            &r.excludes,
            "exclude itself",
            "`relation A excludes B` says that one subject and object cannot have both A and B",
        ) else {
            return;
        };
        let info = crate::graph::RelationInfo {
            subject,
            object,
            symmetric: r.symmetric,
            transitive: r.transitive,
            inverse_of,
            functional: r.functional,
            excludes,
            origin: at.origin,
        };
        self.declaration_spans.insert(name, (at.file, r.span));
        match self.graph.declarations.get(&name) {
            Some(old)
                if RelationInfo {
                    origin: at.origin,
                    ..old.clone()
                } == info => {}
            Some(old) => {
                let earlier = old.origin;
                let was = self.graph.declaration_text(name).unwrap_or_default();
                let d = Diagnostic::at(
                    at.file,
                    r.span,
                    format!("`{}` is declared twice, differently", r.name.text),
                )
                .label("declared again here");
                let d = self.with_earlier(d, earlier, format!("first declared here as `{was}`"));
                self.diagnostics
                    .push(d.help("a relation has one declaration; keep one of them"));
            }
            None => {
                self.graph.declarations.insert(name, info);
            }
        }
    }

    /// Every statement must fit the declaration of its relation: the
    /// subject's and object's kinds, and an object where the relation joins
    /// two entities. Checked once the whole load is read, since a
    /// declaration may come after the statements it governs.
    pub(crate) fn check_declarations(&mut self) {
        if !self.graph.has_declarations() {
            return;
        }
        // Declarations themselves: inverses of inverses, and kinds that no
        // entity has but that are close to one that some entity has.
        let used_kinds: std::collections::BTreeSet<Sym> =
            self.graph.entities().map(|(_, e)| e.kind).collect();
        let declarations: Vec<(Sym, RelationInfo)> = self
            .graph
            .declarations
            .iter()
            .map(|(k, v)| (*k, v.clone()))
            .collect();
        for (name, info) in &declarations {
            let here = |loader: &Self, message: String| {
                let (file, span) = loader
                    .declaration_spans
                    .get(name)
                    .copied()
                    .unwrap_or((0, Span::default()));
                Diagnostic::at(file, span, message).label("in this declaration")
            };
            if let Some(target) = info.inverse_of
                && let Some(t) = self
                    .graph
                    .declarations
                    .get(&target)
                    .and_then(|t| t.inverse_of)
            {
                let (n, tn, ttn) = (
                    self.graph.relations.name(*name).to_string(),
                    self.graph.relations.name(target).to_string(),
                    self.graph.relations.name(t).to_string(),
                );
                let d = here(
                    self,
                    format!(
                        "`{n}` is declared the inverse of `{tn}`, which is itself the inverse of `{ttn}`"
                    ),
                );
                self.diagnostics.push(d.help(format!(
                    "declare `relation {n} inverse {ttn}`, or give `{n}` its own kinds"
                )));
            }
            for kind in info.subject.iter().chain(info.object.iter()).flatten() {
                if used_kinds.contains(kind)
                    || crate::graph::BUILTIN_KINDS.contains(&self.graph.kinds.name(*kind))
                {
                    continue;
                }
                let k = self.graph.kinds.name(*kind).to_string();
                let near = did_you_mean(
                    &k,
                    used_kinds
                        .iter()
                        .map(|u| self.graph.kinds.name(*u))
                        .chain(crate::graph::BUILTIN_KINDS),
                );
                if let Some(near) = near {
                    let near = near.to_string();
                    let d = here(self, format!("no entity is of kind `{k}`"));
                    self.diagnostics
                        .push(d.help(format!("did you mean `{near}`?")));
                }
            }
        }
        let g = self.graph.petgraph();
        let mut problems: Vec<(Origin, String, Sym)> = Vec::new();
        // The graph's edges, and those this load read (added when all is well).
        let stored = g.edge_indices().map(|e| {
            let (a, b) = g.edge_endpoints(e).expect("edges have ends");
            (a, b, g[e])
        });
        let all: Vec<(NodeIndex, NodeIndex, Edge)> =
            stored.chain(self.edges.iter().copied()).collect();
        for (a, b, w) in all {
            let Some((info, reversed)) = self.signature(w.relation) else {
                continue;
            };
            let (subject, object) = if reversed {
                (&info.object, &info.subject)
            } else {
                (&info.subject, &info.object)
            };
            let fits = |list: &Option<Vec<Sym>>, node: NodeIndex| {
                list.as_ref().is_none_or(|l| l.contains(&g[node].kind))
            };
            // A symmetric relation reads both ways, so either reading fits.
            if (fits(subject, a) && fits(object, b))
                || (info.symmetric && fits(subject, b) && fits(object, a))
            {
                continue;
            }
            let (node, allowed, side) = if fits(subject, a) {
                (b, object, "object")
            } else {
                (a, subject, "subject")
            };
            let wanted: Vec<&str> = allowed
                .iter()
                .flatten()
                .map(|k| self.graph.kinds.name(*k))
                .collect();
            problems.push((
                w.origin,
                format!(
                    "the {side} of `{}` must be {}, and `{}` is {}",
                    self.graph.relations.name(w.relation),
                    or_list(&wanted),
                    g[node].name,
                    a_kind(self.graph.kinds.name(g[node].kind))
                ),
                w.relation,
            ));
        }
        for f in self.graph.facts() {
            if let Some((info, _)) = self.signature(f.predicate)
                && (info.object.is_some()
                    || info.subject.is_some()
                    || info.symmetric
                    || info.transitive
                    || info.inverse_of.is_some())
            {
                problems.push((
                    f.origin,
                    format!("`{}` is declared as a relation between two entities, and this statement has no object", self.graph.relations.name(f.predicate)),
                    f.predicate,
                ));
            }
        }
        problems.sort_by_key(|(o, _, _)| *o);
        for (origin, message, relation) in problems {
            let d = match self.source_of.get(&origin.file) {
                Some(&file) => {
                    let (_, text) = self.sources.get(file);
                    Diagnostic::at(file, line_span(text, origin.line), message)
                        .label("this statement")
                }
                None => Diagnostic::bare(format!(
                    "{}:{}: {message}",
                    self.graph.files[origin.file as usize], origin.line
                )),
            };
            let declared = self
                .graph
                .declarations
                .get(&relation)
                .map(|d| d.origin)
                .or_else(|| {
                    self.graph
                        .declarations
                        .iter()
                        .find(|(_, d)| d.inverse_of == Some(relation))
                        .map(|(_, d)| d.origin)
                });
            let d = match declared {
                Some(o) => self.with_earlier(d, o, "declared here".into()),
                None => d,
            };
            self.diagnostics.push(d.help(
                "change the statement, or widen the declaration (`any`, or kinds joined by `|`)",
            ));
        }
    }

    /// The declaration that governs statements of `r`, and whether its
    /// kinds apply reversed (`r` is declared the inverse of it).
    pub(crate) fn signature(&self, r: Sym) -> Option<(RelationInfo, bool)> {
        let info = self.graph.declarations.get(&r)?;
        match info.inverse_of {
            Some(partner) => self
                .graph
                .declarations
                .get(&partner)
                .map(|p| (p.clone(), true))
                .or(Some((info.clone(), false))),
            None => Some((info.clone(), false)),
        }
    }

    /// Under `--strict`, every name must be declared somewhere in the load.
    pub(crate) fn check_strict(&mut self) {
        if self.first_use.is_empty() {
            return;
        }
        let declared: Vec<&str> = self
            .graph
            .entities()
            .filter(|(_, e)| e.declared)
            .map(|(_, e)| &*e.name)
            .collect();
        let mut errors: Vec<(FileId, Span, Diagnostic)> = Vec::new();
        for (&node, &(file, span)) in &self.first_use {
            let entity = self.graph.entity(node);
            if entity.declared || entity.kind != KIND_ENTITY {
                continue;
            }
            let name = &*entity.name;
            let mut d =
                Diagnostic::at(file, span, format!("`{name}` is not declared")).label("used here");
            d = match (errors.len() < crate::build::MAX_SHOWN)
                .then(|| did_you_mean(name, declared.iter().copied()))
                .flatten()
            {
                Some(near) => d.help(format!(
                    "did you mean `{near}`? Or declare it: `{}: KIND`",
                    written(name)
                )),
                None => d.help(format!(
                    "declare it with its kind, e.g. `{}: state`, or load without --strict",
                    written(name)
                )),
            };
            errors.push((file, span, d));
        }
        errors.sort_by_key(|(f, s, _)| (*f, s.start));
        let list = errors.into_iter().map(|(_, _, d)| d);
        if self.options.strict {
            self.diagnostics.extend(list);
        } else {
            self.warnings.extend(list.map(Diagnostic::hint));
        }
    }

    /// Every `source: NAME` names an entity of the built-in kind `source`.
    pub(crate) fn check_citations(&mut self) {
        if self.citations.is_empty() {
            return;
        }
        let source = self
            .graph
            .kinds
            .get("source")
            .expect("`source` is a built-in kind");
        let sources: Vec<&str> = self
            .graph
            .entities()
            .filter(|(_, e)| e.kind == source)
            .map(|(_, e)| &*e.name)
            .collect();
        let mut errors = Vec::new();
        for (name, file, span) in &self.citations {
            let node = self.graph.find(name);
            if node.is_some_and(|n| self.graph.entity(n).kind == source) {
                continue;
            }
            let what = match node {
                Some(n) => format!(
                    "`{name}` is {}, not a source",
                    a_kind(self.graph.kind_name(n))
                ),
                None => format!("no source is named `{name}`"),
            };
            let d = Diagnostic::at(*file, *span, what).label("cited here");
            let d = match did_you_mean(name, sources.iter().copied()) {
                Some(near) => d.help(format!("did you mean `{}`?", written(near))),
                None => d.help(format!(
                    "declare it as a source: `{}: source \"TITLE\" {{file: \"PATH\"}}`",
                    written(name)
                )),
            };
            errors.push(d);
        }
        self.diagnostics.extend(errors);
    }
}
