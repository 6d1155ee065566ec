//! `--to parquet`: the graph as Parquet tables, the files Spark, DuckDB,
//! Trino, LadybugDB and pandas read, and that `dossier translate`'s SQL
//! reads by these names:
//!
//! | file | columns |
//! | --- | --- |
//! | `entities.parquet` | `name`, `kind`, `label`, `declared`, `file`, `line` |
//! | `statements.parquet` | `id`, `subject`, `relation`, `object`, `file`, `line`, `valid_from`, `valid_until` |
//! | `facts.parquet` | `id`, `subject`, `predicate`, `file`, `line`, `valid_from`, `valid_until` |
//! | `attributes.parquet` | `owner`, `entity`, `key`, `type`, `integer_value`, `decimal_value`, `string_value`, `date_value`, `boolean_value`, `name_value` |
//! | `declarations.parquet` | `relation`, `subject_kinds`, `object_kinds`, `symmetric`, `transitive`, `inverse_of`, `functional`, `excludes`, `file`, `line` |
//! | `evidence.parquet` | `owner`, `source`, `quote`, `occurrence`, `document`, `start`, `end`, `line`, `column`, `match` |
//!
//! Statements and facts share one id space (statements first), which an
//! attribute's or a piece of evidence's `owner` refers to; an entity's
//! attributes have no owner and name the entity in `entity`. Subjects and
//! objects are entity names. `valid_from` is the later of a statement's
//! `date` and `from`, `valid_until` its `until` (null: always), the
//! bounds `as of` reads. An attribute's value is in the column of its
//! `type` (`integer`, `decimal`, `string`, `date`, `boolean`, `name`), the
//! others null.
//!
//! The tables are written uncompressed (the writer's codecs are left out
//! of the build), each on a thread of its own.

use crate::graph::{AttrsId, Graph, Sym};
use crate::value::{Date, Value};
use arrow_array::builder::{
    BooleanBuilder, Date32Builder, Float64Builder, Int64Builder, StringBuilder,
};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema};
use parquet::arrow::ArrowWriter;
use parquet::file::properties::WriterProperties;
use std::sync::Arc;

/// The tables' file names, in the order they are written.
pub const TABLES: [&str; 6] = [
    "entities.parquet",
    "statements.parquet",
    "facts.parquet",
    "attributes.parquet",
    "declarations.parquet",
    "evidence.parquet",
];

/// What writes one table.
type Table = fn(&Graph) -> Result<Vec<u8>, String>;

/// The files of `--to parquet`, by name.
pub fn parquet(graph: &Graph) -> Result<Vec<(&'static str, Vec<u8>)>, String> {
    let tables: [Table; 6] = [
        entities,
        statements,
        facts,
        attributes,
        declarations,
        evidence,
    ];
    // The statements on one thread, the rest on another: the two largest.
    let (first, rest) = std::thread::scope(|scope| {
        let first = scope.spawn(|| statements(graph));
        let rest: Vec<_> = tables
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != 1)
            .map(|(_, t)| t(graph))
            .collect();
        (first.join().expect("the statements thread"), rest)
    });
    let mut first = Some(first);
    let mut rest = rest.into_iter();
    TABLES
        .iter()
        .map(|name| {
            let bytes = match *name {
                "statements.parquet" => first.take().expect("one statements table"),
                _ => rest.next().expect("a table"),
            };
            Ok((*name, bytes?))
        })
        .collect()
}

/// Days since 1970-01-01, as Arrow's `Date32`.
pub fn days(d: Date) -> i32 {
    // Howard Hinnant's days_from_civil.
    let (y, m, d) = (i64::from(d.year), i64::from(d.month), i64::from(d.day));
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    (era * 146_097 + doe - 719_468) as i32
}

/// A statement's or fact's valid time: the later of `date` and `from`, and `until`.
fn valid(graph: &Graph, attrs: AttrsId) -> (Option<i32>, Option<i32>) {
    let (mut from, mut until) = (None::<Date>, None::<Date>);
    for (k, v) in graph.attrs(attrs) {
        let Value::Date(d) = v else { continue };
        match graph.keys.name(*k) {
            "date" | "from" => from = Some(from.map_or(*d, |f| f.max(*d))),
            "until" => until = Some(until.map_or(*d, |u| u.min(*d))),
            _ => {}
        }
    }
    (from.map(days), until.map(days))
}

fn field(name: &str, ty: DataType, nullable: bool) -> Field {
    Field::new(name, ty, nullable)
}

/// One table's bytes.
fn write(fields: Vec<Field>, columns: Vec<ArrayRef>) -> Result<Vec<u8>, String> {
    let schema = Arc::new(Schema::new(fields));
    let batch = RecordBatch::try_new(schema.clone(), columns).map_err(|e| e.to_string())?;
    let properties = WriterProperties::builder()
        .set_max_row_group_row_count(Some(1 << 20))
        .build();
    let mut out = Vec::new();
    let mut writer =
        ArrowWriter::try_new(&mut out, schema, Some(properties)).map_err(|e| e.to_string())?;
    writer.write(&batch).map_err(|e| e.to_string())?;
    writer.close().map_err(|e| e.to_string())?;
    Ok(out)
}

fn entities(graph: &Graph) -> Result<Vec<u8>, String> {
    let n = graph.entity_count();
    let mut name = StringBuilder::with_capacity(n, n * 12);
    let mut kind = StringBuilder::with_capacity(n, n * 6);
    let mut label = StringBuilder::new();
    let mut declared = BooleanBuilder::with_capacity(n);
    let mut file = StringBuilder::with_capacity(n, n * 8);
    let mut line = Int64Builder::with_capacity(n);
    for (node, e) in graph.entities() {
        name.append_value(&*e.name);
        kind.append_value(graph.kinds.name(e.kind));
        label.append_option(graph.label(node));
        declared.append_value(e.declared);
        file.append_value(&graph.files[e.origin.file as usize]);
        line.append_value(i64::from(e.origin.line));
    }
    write(
        vec![
            field("name", DataType::Utf8, false),
            field("kind", DataType::Utf8, false),
            field("label", DataType::Utf8, true),
            field("declared", DataType::Boolean, false),
            field("file", DataType::Utf8, false),
            field("line", DataType::Int64, false),
        ],
        vec![
            Arc::new(name.finish()),
            Arc::new(kind.finish()),
            Arc::new(label.finish()),
            Arc::new(declared.finish()),
            Arc::new(file.finish()),
            Arc::new(line.finish()),
        ],
    )
}

/// The columns statements and facts share after their names.
struct Claims {
    id: Int64Builder,
    subject: StringBuilder,
    relation: StringBuilder,
    object: StringBuilder,
    file: StringBuilder,
    line: Int64Builder,
    from: Date32Builder,
    until: Date32Builder,
}

impl Claims {
    fn new(n: usize) -> Claims {
        Claims {
            id: Int64Builder::with_capacity(n),
            subject: StringBuilder::with_capacity(n, n * 10),
            relation: StringBuilder::with_capacity(n, n * 10),
            object: StringBuilder::with_capacity(n, n * 10),
            file: StringBuilder::with_capacity(n, n * 8),
            line: Int64Builder::with_capacity(n),
            from: Date32Builder::with_capacity(n),
            until: Date32Builder::with_capacity(n),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        graph: &Graph,
        id: usize,
        subject: &str,
        relation: Sym,
        object: Option<&str>,
        attrs: AttrsId,
        origin: crate::graph::Origin,
    ) {
        self.id.append_value(id as i64);
        self.subject.append_value(subject);
        self.relation.append_value(graph.relations.name(relation));
        if let Some(o) = object {
            self.object.append_value(o);
        }
        self.file.append_value(&graph.files[origin.file as usize]);
        self.line.append_value(i64::from(origin.line));
        let (from, until) = if attrs == crate::graph::NO_ATTRS {
            (None, None)
        } else {
            valid(graph, attrs)
        };
        self.from.append_option(from);
        self.until.append_option(until);
    }

    fn finish(mut self, predicate: &str, with_object: bool) -> Result<Vec<u8>, String> {
        let mut fields = vec![
            field("id", DataType::Int64, false),
            field("subject", DataType::Utf8, false),
            field(predicate, DataType::Utf8, false),
        ];
        let mut columns: Vec<ArrayRef> = vec![
            Arc::new(self.id.finish()),
            Arc::new(self.subject.finish()),
            Arc::new(self.relation.finish()),
        ];
        if with_object {
            fields.push(field("object", DataType::Utf8, false));
            columns.push(Arc::new(self.object.finish()));
        }
        fields.extend([
            field("file", DataType::Utf8, false),
            field("line", DataType::Int64, false),
            field("valid_from", DataType::Date32, true),
            field("valid_until", DataType::Date32, true),
        ]);
        columns.extend::<[ArrayRef; 4]>([
            Arc::new(self.file.finish()),
            Arc::new(self.line.finish()),
            Arc::new(self.from.finish()),
            Arc::new(self.until.finish()),
        ]);
        write(fields, columns)
    }
}

fn statements(graph: &Graph) -> Result<Vec<u8>, String> {
    let g = graph.petgraph();
    let mut claims = Claims::new(g.edge_count());
    for (i, e) in g.raw_edges().iter().enumerate() {
        let w = &e.weight;
        claims.push(
            graph,
            i,
            &g[e.source()].name,
            w.relation,
            Some(&g[e.target()].name),
            w.attrs,
            w.origin,
        );
    }
    claims.finish("relation", true)
}

fn facts(graph: &Graph) -> Result<Vec<u8>, String> {
    let first = graph.relation_count();
    let mut claims = Claims::new(graph.fact_count());
    for (i, f) in graph.facts().iter().enumerate() {
        let subject = &graph.entity(f.subject).name;
        claims.push(
            graph,
            first + i,
            subject,
            f.predicate,
            None,
            f.attrs,
            f.origin,
        );
    }
    claims.finish("predicate", false)
}

/// Everything that has attributes: (owner id or entity name, attribute set).
fn owners(graph: &Graph) -> impl Iterator<Item = (Option<i64>, Option<&str>, AttrsId)> {
    let first = graph.relation_count();
    let g = graph.petgraph();
    graph
        .entities()
        .map(|(_, e)| (None, Some(e.name.as_str()), e.attrs))
        .chain(
            g.raw_edges()
                .iter()
                .enumerate()
                .map(|(i, e)| (Some(i as i64), None, e.weight.attrs)),
        )
        .chain(
            graph
                .facts()
                .iter()
                .enumerate()
                .map(move |(i, f)| (Some((first + i) as i64), None, f.attrs)),
        )
        .filter(|(_, _, attrs)| *attrs != crate::graph::NO_ATTRS)
}

fn attributes(graph: &Graph) -> Result<Vec<u8>, String> {
    let mut owner = Int64Builder::new();
    let mut entity = StringBuilder::new();
    let mut key = StringBuilder::new();
    let mut ty = StringBuilder::new();
    let mut int = Int64Builder::new();
    let mut dec = Float64Builder::new();
    let mut string = StringBuilder::new();
    let mut date = Date32Builder::new();
    let mut boolean = BooleanBuilder::new();
    let mut name = StringBuilder::new();
    for (id, of, attrs) in owners(graph) {
        for (k, v) in graph.attrs(attrs) {
            owner.append_option(id);
            entity.append_option(of);
            key.append_value(graph.keys.name(*k));
            ty.append_value(type_name(v));
            int.append_option(match v {
                Value::Int(i) => Some(*i),
                _ => None,
            });
            dec.append_option(match v {
                Value::Dec(d) => Some(*d),
                _ => None,
            });
            string.append_option(match v {
                Value::Str(s) => Some(&**s),
                _ => None,
            });
            date.append_option(match v {
                Value::Date(d) => Some(days(*d)),
                _ => None,
            });
            boolean.append_option(match v {
                Value::Bool(b) => Some(*b),
                _ => None,
            });
            name.append_option(match v {
                Value::Name(s) => Some(&**s),
                _ => None,
            });
        }
    }
    write(
        vec![
            field("owner", DataType::Int64, true),
            field("entity", DataType::Utf8, true),
            field("key", DataType::Utf8, false),
            field("type", DataType::Utf8, false),
            field("integer_value", DataType::Int64, true),
            field("decimal_value", DataType::Float64, true),
            field("string_value", DataType::Utf8, true),
            field("date_value", DataType::Date32, true),
            field("boolean_value", DataType::Boolean, true),
            field("name_value", DataType::Utf8, true),
        ],
        vec![
            Arc::new(owner.finish()),
            Arc::new(entity.finish()),
            Arc::new(key.finish()),
            Arc::new(ty.finish()),
            Arc::new(int.finish()),
            Arc::new(dec.finish()),
            Arc::new(string.finish()),
            Arc::new(date.finish()),
            Arc::new(boolean.finish()),
            Arc::new(name.finish()),
        ],
    )
}

/// An attribute value's type, as the `type` column says it.
pub fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Int(_) => "integer",
        Value::Dec(_) => "decimal",
        Value::Str(_) => "string",
        Value::Date(_) => "date",
        Value::Bool(_) => "boolean",
        Value::Name(_) => "name",
    }
}

fn declarations(graph: &Graph) -> Result<Vec<u8>, String> {
    let mut relation = StringBuilder::new();
    let mut subject = StringBuilder::new();
    let mut object = StringBuilder::new();
    let mut symmetric = BooleanBuilder::new();
    let mut transitive = BooleanBuilder::new();
    let mut inverse = StringBuilder::new();
    let mut functional = BooleanBuilder::new();
    let mut excludes = StringBuilder::new();
    let mut file = StringBuilder::new();
    let mut line = Int64Builder::new();
    let kinds = |list: &Option<Vec<Sym>>| {
        list.as_ref().map(|l| {
            l.iter()
                .map(|k| graph.kinds.name(*k))
                .collect::<Vec<_>>()
                .join("|")
        })
    };
    let mut list: Vec<_> = graph.declarations.iter().collect();
    list.sort_by_key(|(r, _)| graph.relations.name(**r));
    for (r, d) in list {
        relation.append_value(graph.relations.name(*r));
        subject.append_option(kinds(&d.subject));
        object.append_option(kinds(&d.object));
        symmetric.append_value(d.symmetric);
        transitive.append_value(d.transitive);
        inverse.append_option(d.inverse_of.map(|p| graph.relations.name(p)));
        functional.append_value(d.functional);
        excludes.append_option(d.excludes.map(|p| graph.relations.name(p)));
        file.append_value(&graph.files[d.origin.file as usize]);
        line.append_value(i64::from(d.origin.line));
    }
    write(
        vec![
            field("relation", DataType::Utf8, false),
            field("subject_kinds", DataType::Utf8, true),
            field("object_kinds", DataType::Utf8, true),
            field("symmetric", DataType::Boolean, false),
            field("transitive", DataType::Boolean, false),
            field("inverse_of", DataType::Utf8, true),
            field("functional", DataType::Boolean, false),
            field("excludes", DataType::Utf8, true),
            field("file", DataType::Utf8, false),
            field("line", DataType::Int64, false),
        ],
        vec![
            Arc::new(relation.finish()),
            Arc::new(subject.finish()),
            Arc::new(object.finish()),
            Arc::new(symmetric.finish()),
            Arc::new(transitive.finish()),
            Arc::new(inverse.finish()),
            Arc::new(functional.finish()),
            Arc::new(excludes.finish()),
            Arc::new(file.finish()),
            Arc::new(line.finish()),
        ],
    )
}

fn evidence(graph: &Graph) -> Result<Vec<u8>, String> {
    let mut owner = Int64Builder::new();
    let mut source = StringBuilder::new();
    let mut quote = StringBuilder::new();
    let mut occurrence = Int64Builder::new();
    let mut document = StringBuilder::new();
    let mut start = Int64Builder::new();
    let mut end = Int64Builder::new();
    let mut line = Int64Builder::new();
    let mut column = Int64Builder::new();
    let mut rung = StringBuilder::new();
    for (id, _, attrs) in owners(graph).filter(|(id, _, _)| id.is_some()) {
        let cited = graph.cited(attrs);
        if cited.quote.is_none() && cited.source.is_none() {
            continue;
        }
        owner.append_option(id);
        source.append_option(cited.source);
        quote.append_option(cited.quote);
        occurrence.append_option((cited.occurrence > 0).then_some(i64::from(cited.occurrence)));
        let anchor = graph.anchor(attrs);
        document.append_option(anchor.map(|a| a.file.as_str()));
        start.append_option(anchor.map(|a| a.start as i64));
        end.append_option(anchor.map(|a| a.end as i64));
        line.append_option(anchor.map(|a| i64::from(a.line)));
        column.append_option(anchor.map(|a| i64::from(a.column)));
        rung.append_option(anchor.map(|a| a.rung.name()));
    }
    write(
        vec![
            field("owner", DataType::Int64, false),
            field("source", DataType::Utf8, true),
            field("quote", DataType::Utf8, true),
            field("occurrence", DataType::Int64, true),
            field("document", DataType::Utf8, true),
            field("start", DataType::Int64, true),
            field("end", DataType::Int64, true),
            field("line", DataType::Int64, true),
            field("column", DataType::Int64, true),
            field("match", DataType::Utf8, true),
        ],
        vec![
            Arc::new(owner.finish()),
            Arc::new(source.finish()),
            Arc::new(quote.finish()),
            Arc::new(occurrence.finish()),
            Arc::new(document.finish()),
            Arc::new(start.finish()),
            Arc::new(end.finish()),
            Arc::new(line.finish()),
            Arc::new(column.finish()),
            Arc::new(rung.finish()),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_count_from_1970() {
        let d = |y, m, dd| days(Date::new(y, m, dd).unwrap());
        assert_eq!(d(1970, 1, 1), 0);
        assert_eq!(d(1970, 1, 2), 1);
        assert_eq!(d(1969, 12, 31), -1);
        assert_eq!(d(2000, 3, 1), 11_017);
        assert_eq!(d(2014, 11, 18), 16_392);
        assert_eq!(d(0, 1, 1), -719_528);
    }
}
