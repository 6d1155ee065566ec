"""Every export of a hostile graph (tests/fixtures/hostile.kg), the bundled
graph and the world graph, read back by the engines that read it, checking
counts and values against Dossier's own JSON export: Graphviz, networkx,
rdflib and pyoxigraph, Kuzu and LadybugDB, DuckDB, Spark, Neo4j's Cypher
parser, and Dossier itself. Run by tests/run.sh."""

import json
import os
import subprocess
from collections import Counter
from pathlib import Path
from urllib.parse import unquote

import duckdb
import networkx
import pyoxigraph
import pytest
import rdflib

ROOT = Path(__file__).resolve().parents[2]
DOSSIER = os.environ.get("DOSSIER", str(ROOT / "target" / "debug" / "dossier"))
HOSTILE = str(ROOT / "tests" / "fixtures" / "hostile.kg")
WORLD = str(ROOT / "data" / "world.kg")
GRAPHS = {"hostile": [HOSTILE], "koreas": [], "world": [WORLD]}


def dossier(*args, cwd=ROOT):
    # Bytes, decoded here: text mode would turn a CR in a name into a line end.
    out = subprocess.run([DOSSIER, *args], cwd=cwd, capture_output=True)
    assert out.returncode == 0, out.stderr.decode()
    return out.stdout.decode("utf-8")


_docs = {}


def doc(which):
    """Dossier's JSON export: the oracle every engine is checked against."""
    if which not in _docs:
        _docs[which] = json.loads(dossier("export", *GRAPHS[which], "--to", "json"))
    return _docs[which]


def typed(v):
    """A JSON attribute value as Python's: dates and names as text."""
    if isinstance(v, dict):
        return v.get("date", v.get("name"))
    return v


def src(record):
    return (record["source"]["file"], record["source"]["line"])


def expected_edges(which):
    return Counter((r["subject"], r["relation"], r["object"], src(r)) for r in doc(which)["relations"])


def expected_facts(which):
    return Counter((f["subject"], f["predicate"], src(f)) for f in doc(which)["facts"])


def test_the_hostile_fixture_has_what_it_should():
    d = doc("hostile")
    names = {e["name"] for e in d["entities"]}
    for name in ["tab\there", "tab here", "cr\rhere", "two\nlines", 'say "hi"', "back\\slash", "bell\x07",
                 "한국", "\u00e9tat", "q\u0307 combining", "legend: state", "=1+1", "relation/knows", "fact", "kind/state", "NULL", "null"]:
        assert name in names
    assert {"name", "label", "facts", "id"} <= set(next(e for e in d["entities"] if e["name"] == "id")["attributes"])
    assert any(r["relation"] == "has part" for r in d["relations"])
    assert len(d["declarations"]) == 3


# Dossier itself


@pytest.mark.parametrize("which", GRAPHS)
def test_json_kg_and_snapshot_load_back_to_the_same_graph(which, tmp_path):
    first = dossier("export", *GRAPHS[which], "--to", "json")
    (tmp_path / "g.json").write_text(first, encoding="utf-8", newline="")
    assert dossier("export", str(tmp_path / "g.json"), "--to", "json") == first
    dossier("export", *GRAPHS[which], "--to", "snapshot", "-o", str(tmp_path / "g.dsnap"))
    assert dossier("export", str(tmp_path / "g.dsnap"), "--to", "json") == first

    def without_sources(text):
        d = json.loads(text)
        d.pop("files")
        for key in ["entities", "relations", "facts", "declarations"]:
            for r in d[key]:
                r.pop("source")
        # A source's file is written to name the same document from where
        # the relation file is; the anchors (their path as shown aside)
        # say it is the same document.
        for e in d["entities"]:
            if e["kind"] == "source":
                e["attributes"].pop("file", None)
        for a in d["anchors"]:
            a.pop("file")
        return d

    dossier("export", *GRAPHS[which], "--to", "kg", "-o", str(tmp_path / "g.kg"))
    again = dossier("export", str(tmp_path / "g.kg"), "--to", "json")
    assert without_sources(again) == without_sources(first)
    dossier("export", str(tmp_path / "g.kg"), "--to", "kg", "-o", str(tmp_path / "g2.kg"))
    assert (tmp_path / "g2.kg").read_bytes() == (tmp_path / "g.kg").read_bytes()


def test_a_symmetric_declaration_survives_every_round_trip(tmp_path):
    query = "?x borders North_Korea"
    before = dossier(WORLD, "-c", query)
    assert before.count("\n") > 3
    for to, name in [("json", "w.json"), ("kg", "w.kg"), ("snapshot", "w.dsnap")]:
        out = tmp_path / name
        dossier("export", WORLD, "--to", to, "-o", str(out))
        assert dossier(str(out), "-c", query) == before, to


# Graphviz


# Not the world graph: Graphviz takes 100 s to lay out its 3,400 edges.
@pytest.mark.parametrize("which", ["hostile", "koreas"])
def test_dot_draws_every_entity_and_edge_with_its_label(which):
    dot = dossier("export", *GRAPHS[which], "--to", "dot")
    drawn = subprocess.run(["dot", "-Tjson0"], input=dot, capture_output=True, text=True)
    assert drawn.returncode == 0, drawn.stderr
    assert drawn.stderr == ""
    out = json.loads(drawn.stdout)
    d = doc(which)
    kinds = {e["kind"] for e in d["entities"]}
    nodes = [o for o in out["objects"] if "nodes" not in o]
    assert len(nodes) == len(d["entities"]) + len(kinds)
    assert len(out.get("edges", [])) == len(d["relations"])
    edge_labels = Counter(e["label"] for e in out.get("edges", []))
    assert edge_labels == Counter(r["relation"] for r in d["relations"])


# networkx


def xml_text(s):
    """A text as GraphML carries it: XML 1.0 cannot hold control characters
    other than tab, line end and CR, which are written `\\u{..}`."""
    return "".join(f"\\u{{{ord(c):x}}}" if (ord(c) < 32 and c not in "\t\n\r") or 127 <= ord(c) < 160 else c for c in s)


@pytest.mark.parametrize("which", GRAPHS)
def test_graphml_carries_names_values_facts_and_sources(which, tmp_path):
    path = tmp_path / "g.graphml"
    dossier("export", *GRAPHS[which], "--to", "graphml", "-o", str(path))
    g = networkx.read_graphml(path, force_multigraph=True)
    d = doc(which)
    assert set(g.nodes) == {xml_text(e["name"]) for e in d["entities"]}
    reserved = {"label", "kind", "facts", "source"}
    for e in d["entities"]:
        node = g.nodes[xml_text(e["name"])]
        assert node["kind"] == e["kind"]
        assert node.get("label") == (xml_text(e["label"]) if e["label"] is not None else None)
        assert node["source"] == "%s:%d" % src(e)
        for k, v in e["attributes"].items():
            key = f"attribute.{k}" if k in reserved else k
            got = node[key]
            want = typed(v)
            assert got == want or (isinstance(want, float) and got == pytest.approx(want)), (e["name"], k)
    facts = Counter()
    for name, data in g.nodes(data=True):
        for f in json.loads(data.get("facts", "[]")):
            facts[(name, xml_text(f["predicate"]), (f["source"]["file"], f["source"]["line"]))] += 1
            assert isinstance(f["attributes"], dict)
    assert facts == Counter({(xml_text(s), p, w): n for (s, p, w), n in expected_facts(which).items()})
    edges = Counter()
    for a, b, data in g.edges(data=True):
        file, line = data["source"].rsplit(":", 1)
        edges[(a, data["relation"], b, (file, int(line)))] += 1
    assert edges == Counter({(xml_text(a), r, xml_text(b), w): n for (a, r, b, w), n in expected_edges(which).items()})


# RDF


BASE = "http://example.org/kg/"
VOCABULARY = "urn:dossier:vocabulary:"


def name_of(iri, space):
    text = str(iri)
    assert text.startswith(BASE + space), text
    return unquote(text[len(BASE + space):])


@pytest.mark.parametrize("which", GRAPHS)
def test_ntriples_carry_each_statement_with_its_source(which):
    nt = dossier("export", *GRAPHS[which], "--to", "ntriples", "--base", BASE)
    g = rdflib.Graph()
    g.parse(data=nt, format="nt")
    store = pyoxigraph.Store()
    store.load(nt.encode(), pyoxigraph.RdfFormat.N_TRIPLES)
    # The same triple stated twice is one triple (its statements stay two).
    assert len(store) == len(g) == len(set(nt.splitlines()))
    d = doc(which)
    R = rdflib.RDF
    V = rdflib.Namespace(VOCABULARY)
    # Entities: kind, label, attributes, source.
    for e in d["entities"]:
        s = rdflib.URIRef(BASE + "entity/" + quote_name(e["name"]))
        types = set(g.objects(s, R.type))
        kinds = [name_of(o, "kind/") for o in types if str(o).startswith(BASE + "kind/")]
        assert kinds == [e["kind"]]
        # A source is also PROV-O's entity; nothing else has another type.
        prov = {rdflib.URIRef("http://www.w3.org/ns/prov#Entity")} if e["kind"] == "source" else set()
        assert types - {rdflib.URIRef(BASE + "kind/" + quote_name(e["kind"]))} == prov
        labels = [str(o) for o in g.objects(s, rdflib.RDFS.label)]
        assert labels == ([e["label"]] if e["label"] is not None else [])
        assert [o.toPython() for o in g.objects(s, V.line)] == [e["source"]["line"]]
        for k, v in e["attributes"].items():
            [o] = list(g.objects(s, rdflib.URIRef(BASE + "attribute/" + k)))
            want = typed(v)
            got = name_of(o, "entity/") if isinstance(v, dict) and "name" in v else o.toPython()
            assert str(got) == str(want) if isinstance(v, dict) else got == want, (e["name"], k)
    # Statements: one rdf:Statement each, with its source.
    statements = Counter()
    for b in g.subjects(R.type, R.Statement):
        p = g.value(b, R.predicate)
        subject = name_of(g.value(b, R.subject), "entity/")
        where = (str(g.value(b, V.file)), g.value(b, V.line).toPython())
        if p == V.fact:
            statements[("fact", subject, name_of(g.value(b, R.object), "relation/"), where)] += 1
        else:
            statements[(subject, name_of(p, "relation/"), name_of(g.value(b, R.object), "entity/"), where)] += 1
    want = Counter({(a, r, b, w): n for (a, r, b, w), n in expected_edges(which).items()})
    want.update({("fact", s, p, w): n for (s, p, w), n in expected_facts(which).items()})
    assert statements == want
    # Declarations.
    owl = rdflib.OWL
    for decl in d["declarations"]:
        p = rdflib.URIRef(BASE + "relation/" + quote_name(decl["relation"]))
        types = set(g.objects(p, R.type))
        assert (owl.SymmetricProperty in types) == decl["symmetric"]
        assert (owl.TransitiveProperty in types) == decl["transitive"]
        inverse = [name_of(o, "relation/") for o in g.objects(p, owl.inverseOf)]
        assert inverse == ([decl["inverse_of"]] if decl["inverse_of"] else [])


def quote_name(name):
    from urllib.parse import quote

    return quote(name.encode("utf-8"), safe="-._~")


def test_no_entity_takes_the_iri_of_a_relation_kind_or_the_vocabulary():
    nt = dossier("export", HOSTILE, "--to", "ntriples", "--base", BASE)
    g = rdflib.Graph()
    g.parse(data=nt, format="nt")
    entities = {s for s in g.subjects(rdflib.RDF.type, None) if str(s).startswith(BASE + "entity/")}
    assert len(entities) == len(doc("hostile")["entities"])
    predicates = set(g.predicates())
    kinds = set(g.objects(None, rdflib.RDF.type))
    assert not entities & predicates and not entities & kinds


def test_sparql_uses_the_symmetric_declaration():
    dossier_answer = sorted(
        x for [x] in json.loads(dossier(WORLD, "--json", "-c", "?x borders North_Korea"))["rows"]
    )
    assert len(dossier_answer) == 3
    nt = dossier("export", WORLD, "--to", "ntriples", "--base", BASE)
    query = f"""
        PREFIX owl: <http://www.w3.org/2002/07/owl#>
        SELECT DISTINCT ?x WHERE {{
          BIND(<{BASE}relation/borders> AS ?p)
          BIND(<{BASE}entity/North_Korea> AS ?nk)
          {{ ?x ?p ?nk }} UNION {{ ?p a owl:SymmetricProperty . ?nk ?p ?x }}
        }}"""
    g = rdflib.Graph()
    g.parse(data=nt, format="nt")
    rdflib_answer = sorted(name_of(row.x, "entity/") for row in g.query(query))
    store = pyoxigraph.Store()
    store.load(nt.encode(), pyoxigraph.RdfFormat.N_TRIPLES)
    oxigraph_answer = sorted(name_of(row["x"].value, "entity/") for row in store.query(query))
    assert rdflib_answer == oxigraph_answer == dossier_answer


@pytest.mark.parametrize("base", ["http://ex.org/a b/", "nocolon", "http://ex.org/<x>/"])
def test_a_base_that_is_no_absolute_iri_is_refused(base):
    out = subprocess.run([DOSSIER, "export", "--to", "ntriples", "--base", base], capture_output=True, text=True)
    assert out.returncode == 2
    assert "is not an absolute IRI" in out.stderr and out.stdout == ""


# Kuzu and LadybugDB: the script, and COPY of the CSV files.


def engine_answers(engine, tmp_path, script, folder=None):
    """What tests/tools/property_graph.py finds, run in a process of its own."""
    import sys

    path = tmp_path / "script.cypher"
    path.write_text(script, encoding="utf-8", newline="")
    command = [sys.executable, str(ROOT / "tests" / "tools" / "property_graph.py"), engine, str(tmp_path / "db"), str(path)]
    if folder:
        command.append(str(folder))
    out = subprocess.run(command, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def check_property_graph(answers, which):
    d = doc(which)
    entities = {r[0]: r for r in answers["entities"]}
    assert set(entities) == {e["name"] for e in d["entities"]}
    for e in d["entities"]:
        name, kind, label, declared, file, line, attributes = entities[e["name"]]
        assert (kind, label, declared, (file, line)) == (e["kind"], e["label"], e["declared"], src(e))
        assert json.loads(attributes) == e["attributes"]
    edges = Counter((a, r, b, (f, l)) for a, r, b, f, l in answers["edges"])
    assert edges == expected_edges(which)
    facts = Counter((s, p, (f, l)) for s, p, f, l in answers["facts"])
    assert facts == expected_facts(which)


def typed_columns_hold_typed_values(answers):
    [[count, ratio, big, small, flag, since, capital, note, empty]] = answers["plain"]
    assert (count, ratio, big, small, flag) == (2, 0.5, 9223372036854775807, -0.0000001, True)
    assert since == "2014-11-18"
    assert (capital, note) == ("Pyongyang", 'x, "y"\n z\\')
    assert answers["id"] == [["attr name", "attr label", 3, 7]]
    return empty


ENGINES = ["kuzu", "ladybug"]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("which", GRAPHS)
def test_the_kuzu_script_loads(engine, which, tmp_path):
    script = dossier("export", *GRAPHS[which], "--to", "kuzu")
    answers = engine_answers(engine, tmp_path, script)
    check_property_graph(answers, which)
    if which == "hostile":
        assert typed_columns_hold_typed_values(answers) == ""


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("which", GRAPHS)
def test_the_csv_files_copy_into_kuzu(engine, which, tmp_path):
    out = tmp_path / "csv"
    dossier("export", *GRAPHS[which], "--to", "csv", "-o", str(out))
    script = (out / "kuzu.cypher").read_bytes().decode("utf-8")
    answers = engine_answers(engine, tmp_path, script, out)
    check_property_graph(answers, which)
    if which == "hostile":
        # Kuzu's COPY reads a quoted empty string as null, LadybugDB's as
        # an empty string (documented).
        assert typed_columns_hold_typed_values(answers) == ("" if engine == "ladybug" else None)


# CSV readers: DuckDB and Spark, with the options docs/exports.md gives.


def duckdb_tables(folder):
    con = duckdb.connect()
    read = lambda f: con.execute(
        f"SELECT * FROM read_csv('{folder / f}', header=true, quote='\"', escape='\"', all_varchar=true, allow_quoted_nulls=false, strict_mode=true, null_padding=false)"
    )
    tables = {}
    for f in ["nodes.csv", "edges.csv", "facts.csv", "has_fact.csv"]:
        cur = read(f)
        columns = [c[0] for c in cur.description]
        tables[f] = [dict(zip(columns, r)) for r in cur.fetchall()]
    return tables


def check_csv_tables(tables, which):
    d = doc(which)
    nodes = {r["name:ID(Entity)"]: r for r in tables["nodes.csv"]}
    assert set(nodes) == {e["name"] for e in d["entities"]}
    for e in d["entities"]:
        r = nodes[e["name"]]
        assert (r["kind"], r["label"], r["file"], int(r["line:long"])) == (e["kind"], e["label"], *src(e))
        assert json.loads(r["attributes"]) == e["attributes"]
        assert r[":LABEL"] == "Entity;" + e["kind"]
    edges = Counter(
        (r[":START_ID(Entity)"], r[":TYPE"], r[":END_ID(Entity)"], (r["file"], int(r["line:long"])))
        for r in tables["edges.csv"]
    )
    assert edges == expected_edges(which)
    subject = {r[":END_ID(Fact)"]: r[":START_ID(Entity)"] for r in tables["has_fact.csv"]}
    facts = Counter(
        (subject[r["id:ID(Fact)"]], r["predicate"], (r["file"], int(r["line:long"]))) for r in tables["facts.csv"]
    )
    assert facts == expected_facts(which)


@pytest.mark.parametrize("which", GRAPHS)
def test_duckdb_reads_the_csv_files(which, tmp_path):
    dossier("export", *GRAPHS[which], "--to", "csv", "-o", str(tmp_path / "csv"))
    tables = duckdb_tables(tmp_path / "csv")
    check_csv_tables(tables, which)
    if which == "hostile":
        plain = next(r for r in tables["nodes.csv"] if r["name:ID(Entity)"] == "Plain")
        assert plain["empty:string"] == "" and plain["note:string"] == 'x, "y"\n z\\'
        assert plain["big:long"] == "9223372036854775807" and plain["since:date"] == "2014-11-18"


def spark_tables(spark, folder):
    tables = {}
    for f in ["nodes.csv", "edges.csv", "facts.csv", "has_fact.csv"]:
        frame = (
            spark.read.option("header", True)
            .option("multiLine", True)
            .option("escape", '"')
            .option("mode", "FAILFAST")
            .csv(str(folder / f))
        )
        tables[f] = [r.asDict() for r in frame.collect()]
    return tables


@pytest.mark.parametrize("which", GRAPHS)
def test_spark_reads_the_csv_files(spark, which, tmp_path):
    dossier("export", *GRAPHS[which], "--to", "csv", "-o", str(tmp_path / "csv"))
    tables = spark_tables(spark, tmp_path / "csv")
    check_csv_tables(tables, which)
    if which == "hostile":
        plain = next(r for r in tables["nodes.csv"] if r["name:ID(Entity)"] == "Plain")
        assert plain["note:string"] == 'x, "y"\n z\\'
        assert plain["big:long"] == "9223372036854775807"


# Neo4j's Cypher, checked by Neo4j's own parser (@neo4j-cypher/language-support).


CYPHER_CHECK = r"""
import { lintCypherQuery, parseStatementsStrs } from '@neo4j-cypher/language-support';
import { readFileSync } from 'fs';
const q = readFileSync(0, 'utf8');
const errors = lintCypherQuery(q, {}).diagnostics.filter(d => d.severity === 1);
console.log(JSON.stringify({statements: parseStatementsStrs(q).length,
  errors: errors.map(d => ({message: d.message, line: d.range.start.line}))}));
"""


def neo4j_parse(script):
    folder = ROOT / "target" / "npm"
    (folder / "check-cypher.mjs").write_text(CYPHER_CHECK)
    out = subprocess.run(["node", "check-cypher.mjs"], cwd=folder, input=script, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_the_cypher_parser_finds_errors():
    assert neo4j_parse("CREATE (a:Entity {name: 'x'}) CREATE (a)-[:R]->(b;")["errors"]


# Not the world graph: the linter takes 140 s over its 3,700 statements.
@pytest.mark.parametrize("which", ["hostile", "koreas"])
def test_the_neo4j_script_parses_in_neo4js_parser(which):
    script = dossier("export", *GRAPHS[which], "--to", "cypher")
    result = neo4j_parse(script)
    assert result["errors"] == []
    d = doc(which)
    assert result["statements"] == 1 + len(d["entities"]) + len(d["relations"]) + len(d["facts"])


def test_the_neo4j_script_keeps_attributes_named_like_its_properties():
    script = dossier("export", HOSTILE, "--to", "cypher")
    line = next(l for l in script.splitlines() if l.startswith("CREATE (:Entity:`document` {name: 'id'"))
    for part in ["`attribute.name`: 'attr name'", "`attribute.label`: 'attr label'", "`facts`: 3",
                 "`attribute.kind`: 'k'", "`attribute.line`: 9", f"file: '{HOSTILE}'"]:
        assert part in line, part
    plain = next(l for l in script.splitlines() if "{name: 'Plain'" in l)
    for part in ["`since`: date('2014-11-18')", "`small`: -1e-7", "`big`: 9223372036854775807", "`flag`: true"]:
        assert part in plain, part
    assert "label:" not in next(l for l in script.splitlines() if "{name: 'NULL'" in l)


def test_rdf12_statements_are_triple_terms_that_oxigraph_reads():
    nt = dossier("export", HOSTILE, "--to", "ntriples", "--base", BASE, "--rdf12")
    store = pyoxigraph.Store()
    store.load(nt.encode(), pyoxigraph.RdfFormat.N_TRIPLES)
    assert len(store) == len(set(nt.splitlines()))
    query = f"""
        PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
        PREFIX v: <{VOCABULARY}>
        SELECT ?s ?p ?o ?file ?line WHERE {{
          ?b rdf:reifies <<( ?s ?p ?o )>> ; v:file ?file ; v:line ?line .
        }}"""
    found = Counter()
    for row in store.query(query):
        p = row["p"].value
        where = (row["file"].value, int(row["line"].value))
        subject = name_of(row["s"].value, "entity/")
        if p == VOCABULARY + "fact":
            found[("fact", subject, name_of(row["o"].value, "relation/"), where)] += 1
        else:
            found[(subject, name_of(p, "relation/"), name_of(row["o"].value, "entity/"), where)] += 1
    want = Counter(expected_edges("hostile"))
    want.update({("fact", s, p, w): n for (s, p, w), n in expected_facts("hostile").items()})
    assert found == want
    assert "rdf-syntax-ns#Statement" not in nt


def test_rdf12_is_for_ntriples():
    out = subprocess.run([DOSSIER, "export", "--to", "json", "--rdf12"], capture_output=True, text=True)
    assert out.returncode == 2 and "--rdf12 is for --to ntriples" in out.stderr
