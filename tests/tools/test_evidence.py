"""The evidence of the bundled graph, read by the tools of the people who
use it: Web Annotations by a JSON-LD processor (pyld, with a local copy of
the annotation context this test writes, never the network), PROV-O and
Web Annotation selectors in N-Triples by rdflib and pyoxigraph, and
FollowTheMoney entities by the followthemoney package. Every anchor is
checked against the article's own code points. Run by tests/run.sh."""

import json
import os
import subprocess
from pathlib import Path

import pyoxigraph
import rdflib
from followthemoney import model
from followthemoney.types import registry
from pyld import jsonld

ROOT = Path(__file__).resolve().parents[2]
DOSSIER = os.environ.get("DOSSIER", str(ROOT / "target" / "debug" / "dossier"))
ARTICLE_PATH = "data/sources/articles/un-calls-for-prosecution-of-north-korean-leadership.txt"
ARTICLE = (ROOT / ARTICLE_PATH).read_text(encoding="utf-8")
OA = "http://www.w3.org/ns/oa#"
PROV = "http://www.w3.org/ns/prov#"

# The terms of http://www.w3.org/ns/anno.jsonld that the export uses, as
# the W3C context defines them.
ANNO_CONTEXT = {
    "@context": {
        "oa": OA,
        "dc": "http://purl.org/dc/terms/",
        "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
        "xsd": "http://www.w3.org/2001/XMLSchema#",
        "id": {"@id": "@id", "@type": "@id"},
        "type": {"@id": "@type", "@type": "@id"},
        "Annotation": "oa:Annotation",
        "TextualBody": "oa:TextualBody",
        "TextQuoteSelector": "oa:TextQuoteSelector",
        "TextPositionSelector": "oa:TextPositionSelector",
        "describing": "oa:describing",
        "body": {"@id": "oa:hasBody", "@type": "@id"},
        "target": {"@id": "oa:hasTarget", "@type": "@id"},
        "source": {"@id": "oa:hasSource", "@type": "@id"},
        "selector": {"@id": "oa:hasSelector", "@type": "@id"},
        "motivation": {"@id": "oa:motivatedBy", "@type": "@vocab"},
        "value": "rdf:value",
        "format": "dc:format",
        "exact": "oa:exact",
        "prefix": "oa:prefix",
        "suffix": "oa:suffix",
        "start": {"@id": "oa:start", "@type": "xsd:nonNegativeInteger"},
        "end": {"@id": "oa:end", "@type": "xsd:nonNegativeInteger"},
    }
}


def dossier(*args):
    out = subprocess.run([DOSSIER, *args], cwd=ROOT, capture_output=True)
    assert out.returncode == 0, out.stderr.decode()
    return out.stdout.decode()


def loader(context_file):
    def load(url, options=None):
        assert url == "http://www.w3.org/ns/anno.jsonld", f"asked for {url}"
        return {
            "contextUrl": None,
            "documentUrl": url,
            "document": json.loads(context_file.read_text()),
        }

    return load


def test_annotations_expand_as_web_annotations_anchored_in_the_article(tmp_path):
    context_file = tmp_path / "anno.jsonld"
    context_file.write_text(json.dumps(ANNO_CONTEXT))
    lines = dossier("export", "--to", "annotations").splitlines()
    # Reuters' report has no text here: its three quotes are annotations
    # of that source with the quote alone; the article's 45 are anchored.
    reported = [line for line in lines if '"source":"urn:dossier:entity/Reuters_report"' in line]
    assert len(reported) == 3
    assert all("TextPositionSelector" not in line for line in reported)
    lines = [line for line in lines if line not in reported]
    assert len(lines) == 45
    # A relative reference, resolved against where the annotations are:
    # here, the folder dossier ran in.
    options = {"documentLoader": loader(context_file), "base": ROOT.as_uri() + "/"}
    for line in lines:
        doc = json.loads(line)
        [expanded] = jsonld.expand(doc, options)
        assert expanded["@type"] == [OA + "Annotation"]
        [body] = expanded[OA + "hasBody"]
        assert body["@id"].startswith("urn:dossier:statement/data%2Fkoreas.kg%3A")
        [target] = expanded[OA + "hasTarget"]
        assert target[OA + "hasSource"] == [{"@id": (ROOT / ARTICLE_PATH).as_uri()}]
        selectors = {s["@type"][0]: s for s in target[OA + "hasSelector"]}
        quote = selectors[OA + "TextQuoteSelector"]
        position = selectors[OA + "TextPositionSelector"]
        exact = quote[OA + "exact"][0]["@value"]
        start = int(position[OA + "start"][0]["@value"])
        end = int(position[OA + "end"][0]["@value"])
        # Code points: Python's own string indices.
        assert ARTICLE[start:end] == exact
        assert ARTICLE[:start].endswith(quote[OA + "prefix"][0]["@value"])
        assert ARTICLE[end:].startswith(quote[OA + "suffix"][0]["@value"])
        # And as RDF: the annotation's triples.
        nquads = jsonld.to_rdf(doc, {**options, "format": "application/n-quads"})
        assert f"<{OA}hasTarget>" in nquads


SELECTORS = f"""
PREFIX oa: <{OA}>
PREFIX prov: <{PROV}>
SELECT ?statement ?exact ?start ?end WHERE {{
  ?statement prov:wasQuotedFrom ?part .
  ?part oa:hasSelector ?q .
  ?q a oa:TextQuoteSelector .
  ?q oa:exact ?exact .
  ?part oa:hasSelector ?p .
  ?p a oa:TextPositionSelector .
  ?p oa:start ?start .
  ?p oa:end ?end .
  ?part oa:hasSource <urn:dossier:entity/Article> .
  ?statement prov:wasDerivedFrom <urn:dossier:entity/Article> .
}}
"""


def check_rows(rows):
    assert len(rows) == 45
    for statement, exact, start, end in rows:
        assert str(statement).startswith("urn:dossier:statement/")
        assert ARTICLE[int(start) : int(end)] == str(exact)


def test_ntriples_carry_prov_and_web_annotation_selectors(tmp_path):
    path = tmp_path / "koreas.nt"
    path.write_text(dossier("export", "--to", "ntriples"))
    graph = rdflib.Graph()
    graph.parse(path, format="nt")
    # rdflib's SPARQL takes minutes over these joins of blank nodes: its
    # own triple patterns walk them at once.
    U = rdflib.URIRef
    article = U("urn:dossier:entity/Article")
    rows = []
    reuters = U("urn:dossier:entity/Reuters_report")
    for statement, part in graph.subject_objects(U(PROV + "wasQuotedFrom")):
        # Reuters' report, which the article quotes, has no text to anchor in.
        if (statement, U(PROV + "wasDerivedFrom"), reuters) in graph:
            assert (part, U(OA + "hasSource"), reuters) in graph
            continue
        assert (statement, U(PROV + "wasDerivedFrom"), article) in graph
        assert (part, U(OA + "hasSource"), article) in graph
        selectors = {graph.value(s, rdflib.RDF.type): s for s in graph.objects(part, U(OA + "hasSelector"))}
        q, p = selectors[U(OA + "TextQuoteSelector")], selectors[U(OA + "TextPositionSelector")]
        rows.append((statement, graph.value(q, U(OA + "exact")), graph.value(p, U(OA + "start")), graph.value(p, U(OA + "end"))))
    check_rows(rows)
    sources = list(graph.subjects(rdflib.RDF.type, rdflib.URIRef(PROV + "Entity")))
    assert sorted(sources) == [U("urn:dossier:entity/Article"), reuters]
    store = pyoxigraph.Store()
    store.load(path=str(path), format=pyoxigraph.RdfFormat.N_TRIPLES)
    rows = [
        (r["statement"].value, r["exact"].value, r["start"].value, r["end"].value)
        for r in store.query(SELECTORS)
    ]
    check_rows(rows)


def test_ftm_entities_parse_against_their_schemas():
    for files in [[], ["data/world.kg"]]:
        entities = [json.loads(line) for line in dossier("export", *files, "--to", "ftm").splitlines()]
        ids = {e["id"] for e in entities}
        assert len(ids) == len(entities)
        schemata = set()
        for data in entities:
            proxy = model.get_proxy(data, cleaned=False)
            schemata.add(proxy.schema.name)
            assert registry.entity.validate(data["id"]), data["id"]
            for prop, values in data["properties"].items():
                assert prop in proxy.schema.properties, (data["schema"], prop)
                assert sorted(proxy.get(prop)) == sorted(values), (prop, values)
                if proxy.schema.properties[prop].type == registry.entity:
                    assert all(v in ids for v in values), (prop, values)
        if files:
            assert "Membership" in schemata
        else:
            assert {"Person", "PublicBody", "Organization", "Document", "UnknownLink", "Note"} <= schemata
            documents = [e for e in entities if e["schema"] == "Document"]
            article = next(d for d in documents if d["dossier"]["name"] == "Article")
            links = [e for e in entities if e["schema"] == "UnknownLink"]
            reuters = next(d for d in documents if d["dossier"]["name"] == "Reuters_report")
            assert all(link["properties"]["proof"] in ([article["id"]], [reuters["id"]]) for link in links)
            # Two of its three are relations (the fact is a Note).
            assert sum(link["properties"]["proof"] == [reuters["id"]] for link in links) == 2
            links = [link for link in links if link["properties"]["proof"] == [article["id"]]]
            for link in links:
                anchor = link["dossier"]["anchor"]
                assert ARTICLE[anchor["start"] : anchor["end"]] == anchor["exact"]
