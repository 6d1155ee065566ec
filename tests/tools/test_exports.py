"""Dossier's exports, read by the real tools: Graphviz, networkx, rdflib,
pyoxigraph and Kuzu; tests/tools/test_engines.py reads every export of the
hostile fixture in every engine. Run by tests/run.sh after `cargo test`."""

import json
import os
import subprocess
from pathlib import Path

import kuzu
import networkx
import pyoxigraph
import pytest
import rdflib

from common import DOSSIER, ROOT, counts, dossier  # noqa: F401

HOSTILE = r'''
"say \"hi\"": state "a \"quoted\" label"
"back\\slash": body
"two\nlines": person "line one\nline two"
"<html>&amp;</html>": group "<b>bold</b>"
graph: state "graph"
node: body
edge r digraph
subgraph r strict
"say \"hi\"" knows "back\\slash" {note: "x \"y\" \\ z"}
"two\nlines" r "<html>&amp;</html>"
graph r node
node flagged
"tab\there" r graph
'''




@pytest.fixture
def hostile(tmp_path):
    path = tmp_path / "hostile.kg"
    path.write_text(HOSTILE)
    return str(path)


def graphs(hostile):
    return [[], [hostile]]


# Graphviz


@pytest.mark.parametrize("which", ["koreas", "hostile"])
def test_dot_renders_without_warnings(which, hostile):
    files = [] if which == "koreas" else [hostile]
    dot = dossier("export", *files, "--to", "dot")
    svg = subprocess.run(["dot", "-Tsvg"], input=dot, capture_output=True, text=True)
    assert svg.returncode == 0
    assert svg.stderr == "", svg.stderr
    assert "<svg" in svg.stdout
    plain = subprocess.run(["dot", "-Tplain"], input=dot, capture_output=True, text=True).stdout
    lines = plain.splitlines()
    nodes = [l for l in lines if l.startswith("node ")]
    edges = [l for l in lines if l.startswith("edge ")]
    entities, relations, _ = counts(*files)
    kinds = len({e["kind"] for e in json.loads(dossier("export", *files, "--to", "json"))["entities"]})
    assert len(nodes) == entities + kinds  # the legend has a node a kind
    assert len(edges) == relations


def test_dot_output_is_stable():
    assert dossier("export", "--to", "dot") == dossier("export", "--to", "dot")


def test_svg_is_drawn_by_dot(tmp_path):
    out = tmp_path / "koreas.svg"
    dossier("export", "--to", "svg", "-o", str(out))
    assert out.read_text().lstrip().startswith("<?xml")
    png = tmp_path / "koreas.png"
    dossier("export", "--to", "png", "-o", str(png))
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_readme_picture_is_the_bundled_graph(tmp_path):
    out = tmp_path / "koreas.svg"
    dossier("export", "--to", "svg", "-o", str(out))
    committed = (ROOT / "data" / "koreas.svg").read_text()
    assert committed == out.read_text(), "regenerate: dossier export --to svg -o data/koreas.svg"


# RDF


def test_ntriples_literals_are_typed():
    nt = dossier("export", "--to", "ntriples")
    g = rdflib.Graph()
    g.parse(data=nt, format="nt")
    votes = rdflib.URIRef("urn:dossier:attribute/in_favour")
    values = [o for (_, _, o) in g.triples((None, votes, None))]
    assert [v.toPython() for v in values] == [111]
    assert values[0].datatype == rdflib.XSD.integer
    date = rdflib.URIRef("urn:dossier:attribute/date")
    assert {str(o.datatype) for (_, _, o) in g.triples((None, date, None))} == {str(rdflib.XSD.date)}


def test_ntriples_base_option():
    nt = dossier("export", "--to", "ntriples", "--base", "http://example.org/kg/")
    assert "<http://example.org/kg/entity/North_Korea>" in nt


# GraphML


@pytest.mark.parametrize("which", ["koreas", "hostile"])
def test_graphml_loads_in_networkx(which, hostile, tmp_path):
    files = [] if which == "koreas" else [hostile]
    path = tmp_path / "g.graphml"
    dossier("export", *files, "--to", "graphml", "-o", str(path))
    g = networkx.read_graphml(path, force_multigraph=True)
    entities, relations, _ = counts(*files)
    assert g.number_of_nodes() == entities
    assert g.number_of_edges() == relations


def test_graphml_keeps_attribute_values_and_types(tmp_path):
    path = tmp_path / "g.graphml"
    dossier("export", "--to", "graphml", "-o", str(path))
    g = networkx.read_graphml(path, force_multigraph=True)
    assert g.nodes["North_Korea"]["label"] == "North Korea"
    assert g.nodes["North_Korea"]["kind"] == "state"
    assert g.nodes["US_Citizens"]["count"] == 2
    veto = [d for _, _, d in g.edges(data=True) if d["relation"] == "permanent_member_of"]
    assert veto[0]["veto"] is True
    vote = [d for _, _, d in g.edges(data=True) if d["relation"] == "adopted"][0]
    assert vote["in_favour"] == 111 and vote["against"] == 19 and vote["abstentions"] == 55
    assert vote["date"] == "2014-11-18"


# Kuzu


def neighbours(query):
    rows = json.loads(dossier("--json", "-c", query))["neighbours"]
    return sorted((r["entity"], r["relation"], r["direction"]) for r in rows)


def kuzu_neighbours(conn, name):
    found = []
    out = conn.execute(
        "MATCH (a:Entity)-[r:Relation]->(b:Entity) WHERE a.name = $n RETURN b.name, r.relation", {"n": name}
    )
    while out.has_next():
        b, rel = out.get_next()
        found.append((b, rel, "out"))
    inc = conn.execute(
        "MATCH (b:Entity)-[r:Relation]->(a:Entity) WHERE a.name = $n RETURN b.name, r.relation", {"n": name}
    )
    while inc.has_next():
        b, rel = inc.get_next()
        found.append((b, rel, "in"))
    return sorted(found)


def test_cypher_script_loads_into_kuzu(tmp_path):
    script = dossier("export", "--to", "kuzu")
    db = kuzu.Database(str(tmp_path / "db"))
    conn = kuzu.Connection(db)
    conn.execute(script)
    entities, relations, _ = counts()
    assert conn.execute("MATCH (n:Entity) RETURN count(*)").get_next()[0] == entities
    assert conn.execute("MATCH ()-[r:Relation]->() RETURN count(*)").get_next()[0] == relations
    for name in ["North_Korea", "Security_Council", "ICC"]:
        assert kuzu_neighbours(conn, name) == neighbours(f"neighbours {name}")


def test_hostile_names_survive_kuzu(hostile, tmp_path):
    script = dossier("export", hostile, "--to", "kuzu")
    db = kuzu.Database(str(tmp_path / "db"))
    conn = kuzu.Connection(db)
    conn.execute(script)
    names = set()
    out = conn.execute("MATCH (n:Entity) RETURN n.name")
    while out.has_next():
        names.add(out.get_next()[0])
    expected = {e["name"] for e in json.loads(dossier("export", hostile, "--to", "json"))["entities"]}
    assert names == expected


def test_dot_names_never_collide_or_take_over_the_legend(tmp_path):
    # A tab, a space, a CR and a control character make four names that a
    # name-as-id DOT would merge; `legend: state` was the legend's node id.
    kg = tmp_path / "collide.kg"
    kg.write_text(
        'X: state\n"a\\tb" r X\n"a b" r X\n"a\\u{d}b" r X\n"a\\u{7}b" r X\n'
        '"ab" r X\n"legend: state" r X\n"n0" r X\n"k0" r X\n',
        encoding="utf-8",
    )
    dot = dossier("export", str(kg), "--to", "dot")
    drawn = subprocess.run(["dot", "-Tjson"], input=dot, capture_output=True, text=True)
    assert drawn.returncode == 0, drawn.stderr
    doc = json.loads(drawn.stdout)
    entities, relations, _ = counts(str(kg))
    kinds = len({e["kind"] for e in json.loads(dossier("export", str(kg), "--to", "json"))["entities"]})
    nodes = [o for o in doc["objects"] if "nodes" not in o and "subgraphs" not in o]
    assert len(nodes) == entities + kinds == 9 + 2
    assert len(doc["edges"]) == relations == 8
    labels = sorted(o["label"] for o in nodes)
    assert "legend: state" in labels and "n0" in labels and "k0" in labels
    # Every edge ends at X, and no two start at the same node.
    heads = {e["head"] for e in doc["edges"]}
    tails = [e["tail"] for e in doc["edges"]]
    assert len(heads) == 1 and len(set(tails)) == 8


def test_graphml_keeps_tabs_line_ends_and_crs_in_names(tmp_path):
    kg = tmp_path / "ws.kg"
    kg.write_text(
        'X: state\n"a\\tb" r X\n"a b" r X\n"a\\nb" r X\n"a\\u{d}b" r X {note: "x\\ty"}\n',
        encoding="utf-8",
    )
    path = tmp_path / "ws.graphml"
    dossier("export", str(kg), "--to", "graphml", "-o", str(path))
    g = networkx.read_graphml(path, force_multigraph=True)
    assert set(g.nodes) == {"X", "a\tb", "a b", "a\nb", "a\rb"}
    assert g.number_of_edges() == 4
    notes = [d.get("note") for _, _, d in g.edges(data=True) if d.get("note")]
    assert notes == ["x\ty"]


def test_a_csv_row_of_one_empty_cell_reads_back_as_one(tmp_path):
    import csv
    import io

    kg = tmp_path / "e.kg"
    kg.write_text('A r B {note: ""}\nA r C {note: "x"}\n', encoding="utf-8")
    out = dossier(str(kg), "--csv", "-c", "A r ?y {note: ?n}, ?y: entity where ?n = \"\"")
    rows = list(csv.reader(io.StringIO(out)))
    assert rows == [["y", "n"], ["B", ""]], out
    single = dossier(str(kg), "--csv", "-c", "A r B {note: ?n}")
    assert list(csv.reader(io.StringIO(single))) == [["n"], [""]], single
