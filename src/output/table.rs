//! Layouts for people: aligned tables (by display width, cut to the
//! terminal), boxes, Markdown, a line a value, and tabs.

use super::*;

pub(crate) fn table(
    out: &mut dyn Write,
    graph: &Graph,
    answer: &Answer,
    view: &View,
) -> io::Result<()> {
    match answer {
        Answer::Neighbours(list, truncated) => {
            let any_derived = list.iter().any(|n| n.derived);
            let any_contested = list.iter().any(|n| n.contested);
            let rows: Vec<Vec<String>> = list
                .iter()
                .map(|n| {
                    let mut row = vec![
                        graph.entity(n.entity).name.to_string(),
                        graph.relations.name(n.relation).to_string(),
                        dir_name(n.direction).to_string(),
                        n.depth.to_string(),
                    ];
                    for (any, this) in [(any_derived, n.derived), (any_contested, n.contested)] {
                        if any {
                            row.push(yes(this));
                        }
                    }
                    row
                })
                .collect();
            let mut header = strings(&["entity", "relation", "direction", "depth"]);
            if any_derived {
                header.push("derived".into());
            }
            if any_contested {
                header.push("contested".into());
            }
            let mut rows = rows;
            if view.labels {
                add_labels(graph, answer, &mut header, &mut rows);
            }
            let header: Vec<&str> = header.iter().map(String::as_str).collect();
            aligned_view(out, &header, &rows, view)?;
            footer(out, rows.len(), "row")?;
            partial(out, *truncated, "answer")
        }
        Answer::Path(None, false) => writeln!(out, "no path"),
        Answer::Path(None, true) => writeln!(
            out,
            "no path found before the search stopped at its limit (--max-states); the answer is partial"
        ),
        Answer::Path(Some(path), _) if path.is_empty() => {
            writeln!(out, "(the same entity: a path of no hops)")
        }
        Answer::Path(Some(path), _) => writeln!(out, "{}", draw_path(graph, path)),
        Answer::Paths {
            paths,
            truncated,
            by_states,
        } => {
            for p in paths {
                writeln!(out, "{}", draw_path(graph, p))?;
            }
            let s = if paths.len() == 1 { "" } else { "s" };
            if *by_states {
                writeln!(
                    out,
                    "({} path{s}; the search stopped at its limit: raise `--max-states`; the answer is partial)",
                    paths.len()
                )
            } else if *truncated {
                writeln!(
                    out,
                    "({} path{s}; more were left out: raise `limit` or lower `max`)",
                    paths.len()
                )
            } else {
                writeln!(out, "({} path{s})", paths.len())
            }
        }
        Answer::Rows(Rows {
            columns,
            rows,
            truncated,
            derived,
            contested,
            ..
        }) => {
            let mut header: Vec<&str> = columns.iter().map(String::as_str).collect();
            let mut rows: Vec<Vec<String>> =
                rows.iter().map(|r| r.iter().map(cell).collect()).collect();
            // Last columns mark the rows that only declarations derive and
            // those that rest on a contradicted statement.
            for (name, marks) in [("derived", derived), ("contested", contested)] {
                if marks.iter().any(|d| *d) {
                    header.push(name);
                    for (row, d) in rows.iter_mut().zip(marks) {
                        row.push(yes(*d));
                    }
                }
            }
            let mut names: Vec<String> = header.iter().map(|h| h.to_string()).collect();
            if view.labels {
                add_labels(graph, answer, &mut names, &mut rows);
            }
            let header: Vec<&str> = names.iter().map(String::as_str).collect();
            aligned_view(out, &header, &rows, view)?;
            footer(out, rows.len(), "row")?;
            if *truncated {
                partial_answer(out, answer)?;
            }
            Ok(())
        }
        Answer::Count(n, truncated) => {
            writeln!(out, "{n}")?;
            partial(out, *truncated, "count")
        }
        Answer::Show(node) => {
            let e = graph.entity(*node);
            let mut name = String::new();
            crate::value::write_name(&mut name, &e.name).expect("writing to a String");
            write!(out, "{name}: {}", graph.kind_name(*node))?;
            if let Some(label) = graph.label_of(e) {
                let mut l = String::new();
                crate::value::write_quoted(&mut l, label).expect("writing to a String");
                write!(out, " {l}")?;
            }
            writeln!(out)?;
            let place = format!("{}:{}", graph.files[e.origin.file as usize], e.origin.line);
            if e.declared {
                writeln!(out, "  declared at {place}")?;
            } else {
                writeln!(out, "  not declared; first used at {place}")?;
            }
            for (k, v) in graph.attrs(e.attrs) {
                writeln!(out, "  {}: {v}", graph.keys.name(*k))?;
            }
            for f in graph.facts_of(*node) {
                write!(out, "  fact: {}", graph.relations.name(f.predicate))?;
                write_attrs(out, graph, f.attrs)?;
                writeln!(out)?;
            }
            let statements = statements_about(graph, *node);
            if !statements.is_empty() {
                writeln!(out, "  statements:")?;
                for st in statements {
                    writeln!(out, "    {}", st.line_text())?;
                }
            }
            let cited = crate::output::sources::citing(graph, *node);
            if !cited.is_empty() {
                writeln!(out, "  cited by, in the document's order:")?;
                for st in cited {
                    writeln!(out, "    {}", st.line_text())?;
                }
            }
            Ok(())
        }
    }
}

pub(crate) fn write_attrs(out: &mut dyn Write, graph: &Graph, attrs: u32) -> io::Result<()> {
    let list = graph.attrs(attrs);
    if list.is_empty() {
        return Ok(());
    }
    let parts: Vec<String> = list
        .iter()
        .map(|(k, v)| format!("{}: {v}", graph.keys.name(*k)))
        .collect();
    write!(out, " {{{}}}", parts.join(", "))
}

/// The line under an answer that a search limit cut short.
pub(crate) fn partial(out: &mut dyn Write, truncated: bool, what: &str) -> io::Result<()> {
    if truncated {
        writeln!(
            out,
            "(the search stopped at its limit; the {what} is partial)"
        )?;
    }
    Ok(())
}

pub(crate) fn footer(out: &mut dyn Write, n: usize, what: &str) -> io::Result<()> {
    writeln!(out, "({n} {what}{})", if n == 1 { "" } else { "s" })
}

/// Columns padded to their widest cell, a rule under the header. Widths
/// are what a terminal shows: a CJK character or an emoji takes two
/// columns, a combining mark none.
pub fn aligned(out: &mut dyn Write, header: &[&str], rows: &[Vec<String>]) -> io::Result<()> {
    aligned_view(out, header, rows, &View::default())
}

pub(crate) fn width(s: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(s)
}

/// The columns' widths: each its widest cell, then, while the whole is
/// wider than `max` (with `gap` between columns), the widest cut down, to
/// no less than 8 columns.
pub(crate) fn widths(
    header: &[&str],
    rows: &[Vec<String>],
    max: Option<usize>,
    gap: usize,
) -> Vec<usize> {
    let mut widths: Vec<usize> = header.iter().map(|h| width(h)).collect();
    for row in rows {
        for (w, c) in widths.iter_mut().zip(row) {
            *w = (*w).max(width(&one_line(c)));
        }
    }
    if let Some(max) = max {
        let total = |w: &[usize]| w.iter().sum::<usize>() + gap * w.len().saturating_sub(1);
        while total(&widths) > max {
            let (i, &w) = widths
                .iter()
                .enumerate()
                .max_by_key(|(_, w)| **w)
                .expect("a table has columns");
            if w <= 8 {
                break;
            }
            widths[i] = w - 1;
        }
    }
    widths
}

/// `cell` cut to `max` display columns, its end shown as `…`.
pub(crate) fn cut(cell: &str, max: usize) -> String {
    if width(cell) <= max {
        return cell.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in cell.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w + 1 > max {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

/// `cell` cut to `width` display columns and padded to them.
fn padded(cell: &str, width: usize) -> String {
    let c = cut(cell, width);
    let pad = width - self::width(&c);
    format!("{c}{}", " ".repeat(pad))
}

/// [`aligned`], with or without its header, and no wider than `view` says.
pub(crate) fn aligned_view(
    out: &mut dyn Write,
    header: &[&str],
    rows: &[Vec<String>],
    view: &View,
) -> io::Result<()> {
    let widths = widths(header, rows, view.max_width, 2);
    let line = |cells: Vec<String>| {
        let last = cells.len().saturating_sub(1);
        let mut s = String::new();
        for (i, (c, w)) in cells.iter().zip(&widths).enumerate() {
            if i < last {
                s.push_str(&padded(c, *w));
                s.push_str("  ");
            } else {
                s.push_str(&cut(c, *w));
            }
        }
        s
    };
    if view.headers {
        writeln!(
            out,
            "{}",
            line(header.iter().map(|h| h.to_string()).collect())
        )?;
        writeln!(
            out,
            "{}",
            line(widths.iter().map(|w| "-".repeat(*w)).collect())
        )?;
    }
    for row in rows {
        writeln!(out, "{}", line(row.iter().map(|c| one_line(c)).collect()))?;
    }
    Ok(())
}

/// Columns in a Unicode box, as duckdb draws them.
pub(crate) fn boxed(
    out: &mut dyn Write,
    header: &[&str],
    rows: &[Vec<String>],
    view: &View,
) -> io::Result<()> {
    let widths = widths(header, rows, view.max_width.map(|m| m.saturating_sub(4)), 3);
    let rule = |left: &str, mid: &str, right: &str| {
        let parts: Vec<String> = widths.iter().map(|w| "─".repeat(w + 2)).collect();
        format!("{left}{}{right}", parts.join(mid))
    };
    let line = |cells: Vec<String>| {
        let mut s = String::from("│");
        for (c, w) in cells.iter().zip(&widths) {
            s.push(' ');
            s.push_str(&padded(c, *w));
            s.push_str(" │");
        }
        s
    };
    writeln!(out, "{}", rule("┌", "┬", "┐"))?;
    if view.headers {
        writeln!(
            out,
            "{}",
            line(header.iter().map(|h| h.to_string()).collect())
        )?;
        writeln!(out, "{}", rule("├", "┼", "┤"))?;
    }
    for row in rows {
        writeln!(out, "{}", line(row.iter().map(|c| one_line(c)).collect()))?;
    }
    writeln!(out, "{}", rule("└", "┴", "┘"))?;
    let s = if rows.len() == 1 { "" } else { "s" };
    writeln!(out, "({} row{s})", rows.len())
}

/// A GitHub Markdown table, `|` in cells escaped.
pub(crate) fn markdown(
    out: &mut dyn Write,
    header: &[&str],
    rows: &[Vec<String>],
) -> io::Result<()> {
    let cell = |c: &str| one_line(c).replace('|', "\\|");
    let line = |cells: Vec<String>| format!("| {} |", cells.join(" | "));
    writeln!(out, "{}", line(header.iter().map(|h| cell(h)).collect()))?;
    writeln!(
        out,
        "{}",
        line(header.iter().map(|_| "---".to_string()).collect())
    )?;
    for row in rows {
        writeln!(out, "{}", line(row.iter().map(|c| cell(c)).collect()))?;
    }
    Ok(())
}

/// One `column = value` a line, names right-aligned, a blank line between
/// rows.
pub(crate) fn line_mode(
    out: &mut dyn Write,
    header: &[&str],
    rows: &[Vec<String>],
) -> io::Result<()> {
    let w = header.iter().map(|h| width(h)).max().unwrap_or(0);
    for (i, row) in rows.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        for (h, c) in header.iter().zip(row) {
            writeln!(out, "{}{h} = {}", " ".repeat(w - width(h)), one_line(c))?;
        }
    }
    Ok(())
}

/// Tab-separated values: tabs and line ends in cells as `\t` and `\n`.
pub(crate) fn tabs(
    out: &mut dyn Write,
    header: &[&str],
    rows: &[Vec<String>],
    headers: bool,
) -> io::Result<()> {
    if headers {
        writeln!(out, "{}", header.join("\t"))?;
    }
    for row in rows {
        let cells: Vec<String> = row.iter().map(|c| one_line(c)).collect();
        writeln!(out, "{}", cells.join("\t"))?;
    }
    Ok(())
}

/// A mark column's cell.
fn yes(mark: bool) -> String {
    if mark { "yes".into() } else { String::new() }
}
