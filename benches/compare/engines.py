"""The peers with a query language: Kuzu 0.11.3 and its fork LadybugDB 0.22
(Cypher), DuckDB 2.0 (SQL) and Oxigraph 0.5 (SPARQL). Each loads the same
edges as the graph libraries, answers the same four operations in its own
language, and then the six pattern workloads (see `PATTERNS` in compare.py)
over the edges with their attributes, loaded apart after the load's figures
are taken. Run by compare.py, each in a process of its own.
"""

import csv
import os
import shutil
import tempfile
import time
from urllib.parse import quote

from compare import rss_kib, best, finish, BUDGET_S

# The six workloads in each language. `$n` is the named entity, `$d` the
# date; every answer is a number of distinct rows, as Dossier's rows are.

CYPHER = {
    "join": "MATCH (a:E {name: $n})-[e:RA]->(x:E)-[f:RA]->(y:E) WHERE f.relation = 'rel8' "
            "WITH DISTINCT e.relation AS r, x, y RETURN count(*)",
    "two_hops": "MATCH (x:E)-[a:RA]->(y:E)-[b:RA]->(z:E) WHERE a.relation = 'rel7' AND b.relation = 'rel8' "
                "WITH DISTINCT x, y, z RETURN count(*)",
    "triangle": "MATCH (a:E)-[e:RA]->(b:E)-[f:RA]->(c:E)-[g:RA]->(a) "
                "WHERE e.relation = 'rel7' AND f.relation = 'rel7' AND g.relation = 'rel7' "
                "WITH DISTINCT a, b, c RETURN count(*)",
    "filter": "MATCH (x:E)-[e:RA]->(y:E) WHERE e.relation = 'rel7' AND e.weight > 90 "
              "WITH DISTINCT x, y, e.weight AS w RETURN count(*)",
    # A breadth-first search from the entity: every entity reached, once (a
    # walk's `*1..30` would enumerate every walk). Kuzu's shortest path from
    # the entity to itself is of no hops, so the entity is not among those
    # it reaches even on a cycle (LadybugDB's is).
    "path": "MATCH (a:E {name: $n})-[:RA* SHORTEST 1..30 (r, m | WHERE r.relation IN ['rel7', 'rel8'])]->(y:E) "
            "RETURN count(DISTINCT y)",
    "as_of": "MATCH (a:E {name: $n})-[:RA* SHORTEST 1..30 (r, m | WHERE r.relation IN ['rel7', 'rel8'] "
             "AND (r.valid_from IS NULL OR r.valid_from <= date($d)))]->(y:E) RETURN count(DISTINCT y)",
}


def cypher_answer(c, query, ops):
    """A count's number, or the number of rows of a query of rows."""
    rows = c.execute(query, parameters(query, ops)).get_all()
    return rows[0][0] if "count(" in query.rsplit("RETURN", 1)[-1] else len(rows)

SQL = {
    "join": "SELECT count(*) FROM (SELECT DISTINCT e.r, e.o, f.o FROM st e JOIN st f ON f.s = e.o "
            "WHERE e.s = $n AND f.r = 'rel8')",
    "two_hops": "SELECT count(*) FROM (SELECT DISTINCT a.s, a.o, b.o FROM st a JOIN st b ON b.s = a.o "
                "WHERE a.r = 'rel7' AND b.r = 'rel8')",
    "triangle": "SELECT count(*) FROM (SELECT DISTINCT a.s, b.s, c.s FROM st a JOIN st b ON b.s = a.o "
                "JOIN st c ON c.s = b.o AND c.o = a.s WHERE a.r = 'rel7' AND b.r = 'rel7' AND c.r = 'rel7')",
    "filter": "SELECT count(*) FROM (SELECT DISTINCT s, o, weight FROM st WHERE r = 'rel7' AND weight > 90)",
    # UNION (not UNION ALL): each entity once, so the recursion ends.
    "path": "WITH RECURSIVE reach(y) AS (SELECT o FROM st WHERE s = $n AND r IN ('rel7', 'rel8') "
            "UNION SELECT st.o FROM reach JOIN st ON st.s = reach.y WHERE st.r IN ('rel7', 'rel8')) "
            "SELECT count(*) FROM reach",
    "as_of": "WITH RECURSIVE reach(y) AS (SELECT o FROM st WHERE s = $n AND r IN ('rel7', 'rel8') "
             "AND (\"from\" IS NULL OR \"from\" <= CAST($d AS DATE)) "
             "UNION SELECT st.o FROM reach JOIN st ON st.s = reach.y WHERE st.r IN ('rel7', 'rel8') "
             "AND (st.\"from\" IS NULL OR st.\"from\" <= CAST($d AS DATE))) SELECT count(*) FROM reach",
}

REL = "urn:dossier:relation/"
ATTR = "urn:dossier:attribute/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
SPARQL = {
    "join": "SELECT (COUNT(*) AS ?c) WHERE { SELECT DISTINCT ?r ?x ?y WHERE { $n ?r ?x . ?x <%srel8> ?y . "
            "FILTER(STRSTARTS(STR(?r), \"%s\")) } }" % (REL, REL),
    "two_hops": "SELECT (COUNT(*) AS ?c) WHERE { SELECT DISTINCT ?x ?y ?z WHERE { "
                "?x <%srel7> ?y . ?y <%srel8> ?z } }" % (REL, REL),
    "triangle": "SELECT (COUNT(*) AS ?c) WHERE { SELECT DISTINCT ?a ?b ?c WHERE { "
                "?a <%srel7> ?b . ?b <%srel7> ?c . ?c <%srel7> ?a } }" % (REL, REL, REL),
    # Attributes are on the statements, reified.
    "filter": "SELECT (COUNT(*) AS ?c) WHERE { SELECT DISTINCT ?x ?y ?w WHERE { "
              "?s <%ssubject> ?x ; <%spredicate> <%srel7> ; <%sobject> ?y ; <%sweight> ?w . "
              "FILTER(?w > 90) } }" % (RDF, RDF, REL, RDF, ATTR),
    "path": "SELECT (COUNT(DISTINCT ?y) AS ?c) WHERE { $n (<%srel7>|<%srel8>)+ ?y }" % (REL, REL),
    # None: a property path cannot test each hop's statement for its dates
    # (they are on the reified statement, not the triple).
    "as_of": None,
}


def entity(name):
    return f"<urn:dossier:entity/{quote(name, safe='')}>"


def parameters(query, ops):
    """The named entity as `$n` and the date as `$d`, those `query` uses."""
    given = {"n": ops["named"], "d": ops["date"]}
    return {k: v for k, v in given.items() if f"${k}" in query}


def run_patterns(ask, texts, ops):
    """Each workload's time (best of 3, or of 1 when it takes over a
    second) and answer; None for a workload the language cannot say."""
    out = {}
    for key, _ in ops["patterns"]:
        text = texts.get(key)
        if text is None:
            out[key] = None
            continue
        t = time.perf_counter()
        answer = ask(text)
        first = time.perf_counter() - t
        seconds = first if first > 1 else min(first, best(lambda: ask(text), 2))
        out[key] = {"s": seconds, "answer": answer}
    return out


def write_plain(names, edges, folder):
    nodes = os.path.join(folder, "nodes.csv")
    plain = os.path.join(folder, "edges.csv")
    with open(nodes, "w", newline="") as f:
        csv.writer(f).writerows([n] for n in names)
    with open(plain, "w", newline="") as f:
        csv.writer(f).writerows((a, b, r) for a, b, r, _, _ in edges)
    full = os.path.join(folder, "full.csv")
    with open(full, "w", newline="") as f:
        csv.writer(f).writerows(edges)
    return nodes, plain, full


def cypher_run(module, names, edges, ops):
    """Kuzu, or LadybugDB (the same API under another name)."""
    db_module = __import__(module)
    folder = tempfile.mkdtemp(prefix=f"dossier-compare-{module}-")
    try:
        plain_nodes, plain_edges, full = write_plain(names, edges, folder)
        before = rss_kib()
        t = time.perf_counter()
        db = db_module.Database(os.path.join(folder, "db"))
        c = db_module.Connection(db)
        c.execute("CREATE NODE TABLE E(name STRING, PRIMARY KEY(name))")
        c.execute("CREATE REL TABLE R(FROM E TO E, relation STRING)")
        c.execute(f"COPY E FROM '{plain_nodes}' (header=false)")
        c.execute(f"COPY R FROM '{plain_edges}' (header=false)")
        load = time.perf_counter() - t
        memory = (rss_kib() - before) * 1024 / len(edges)

        # Edges: a row for each relationship.
        def neighbours(n):
            r = c.execute("MATCH (a:E {name: $n})-[:R]-(b:E) RETURN b.name", {"n": n})
            return len(r.get_all())

        def shortest(a, b):
            r = c.execute("MATCH p = (a:E {name: $a})-[:R* SHORTEST 1..30]-(b:E {name: $b}) "
                          "RETURN length(p)", {"a": a, "b": b}).get_all()
            return r[0][0] if r else None

        # Relationship paths: one for each choice of parallel edges.
        def all3(a, b):
            r = c.execute("MATCH p = (a:E {name: $a})-[:R*1..3]-(b:E {name: $b}) "
                          "WHERE is_acyclic(p) RETURN count(*)", {"a": a, "b": b})
            return r.get_all()[0][0]

        figures = finish(module, (load, memory, neighbours, shortest, all3), ops)
        c.execute("CREATE REL TABLE RA(FROM E TO E, relation STRING, weight INT64, valid_from DATE)")
        c.execute(f"COPY RA FROM '{full}' (header=false)")
        figures["patterns"] = run_patterns(
            lambda q: cypher_answer(c, q, ops), CYPHER, ops)
        del c, db
        return figures
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def duckdb_run(names, edges, ops):
    import duckdb

    folder = tempfile.mkdtemp(prefix="dossier-compare-duckdb-")
    try:
        plain_nodes, plain_edges, full = write_plain(names, edges, folder)
        before = rss_kib()
        t = time.perf_counter()
        c = duckdb.connect()
        # The same triples into two tables, with an index on each end.
        c.execute(f"CREATE TABLE nodes AS SELECT column0 AS name FROM read_csv('{plain_nodes}', "
                  "header=false, columns={'column0': 'VARCHAR'})")
        c.execute(f"CREATE TABLE edges AS FROM read_csv('{plain_edges}', header=false, "
                  "columns={'s': 'VARCHAR', 'o': 'VARCHAR', 'r': 'VARCHAR'})")
        c.execute("CREATE INDEX edges_s ON edges(s)")
        c.execute("CREATE INDEX edges_o ON edges(o)")
        load = time.perf_counter() - t
        memory = (rss_kib() - before) * 1024 / len(edges)
        c.execute("CREATE VIEW und AS SELECT s AS n, o AS m, r, 'out' AS d FROM edges "
                  "UNION ALL SELECT o, s, r, 'in' FROM edges")

        # Edges: a row for each (a self-loop twice, once each way, as Dossier).
        def neighbours(n):
            return c.execute("SELECT (SELECT count(*) FROM edges WHERE s = $n) + "
                             "(SELECT count(*) FROM edges WHERE o = $n)", {"n": n}).fetchone()[0]

        # Breadth-first, one level each round: `USING KEY` keeps each
        # entity once, and the search stops when it reaches b.
        def shortest(a, b):
            r = c.execute("""
                WITH RECURSIVE bfs(n, d) USING KEY (n) AS (
                  SELECT $a::VARCHAR, 0
                  UNION
                  SELECT u.m, any_value(x.d) + 1 FROM bfs x JOIN und u ON u.n = x.n
                  WHERE NOT EXISTS (SELECT 1 FROM recurring.bfs r WHERE r.n = u.m)
                    AND NOT EXISTS (SELECT 1 FROM recurring.bfs r WHERE r.n = $b)
                  GROUP BY u.m
                ) SELECT d FROM bfs WHERE n = $b""", {"a": a, "b": b}).fetchone()
            return r[0] if r else None

        # Paths of distinct entities, each a sequence of hops (relation,
        # entity, direction) as Dossier's are: parallel edges of one
        # relation make one path.
        def all3(a, b):
            return c.execute("""
                SELECT (SELECT count(DISTINCT (r, d)) FROM und WHERE n = $a AND m = $b AND $a <> $b)
                     + (SELECT count(DISTINCT (x.r, x.d, x.m, y.r, y.d)) FROM und x JOIN und y ON y.n = x.m
                        WHERE x.n = $a AND y.m = $b AND x.m NOT IN ($a, $b))
                     + (SELECT count(DISTINCT (x.r, x.d, x.m, y.r, y.d, y.m, z.r, z.d))
                        FROM und x JOIN und y ON y.n = x.m JOIN und z ON z.n = y.m
                        WHERE x.n = $a AND z.m = $b AND x.m NOT IN ($a, $b) AND y.m NOT IN ($a, $b)
                          AND x.m <> y.m)""", {"a": a, "b": b}).fetchone()[0]

        figures = finish("duckdb", (load, memory, neighbours, shortest, all3), ops)
        c.execute(f"CREATE TABLE st AS FROM read_csv('{full}', header=false, columns="
                  "{'s': 'VARCHAR', 'o': 'VARCHAR', 'r': 'VARCHAR', 'weight': 'BIGINT', 'from': 'DATE'})")
        c.execute("CREATE INDEX st_s ON st(s)")
        c.execute("CREATE INDEX st_o ON st(o)")
        figures["patterns"] = run_patterns(
            lambda q: c.execute(q, parameters(q, ops)).fetchone()[0], SQL, ops)
        return figures
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def split_export(ntriples, folder):
    """The export's relation triples (what the others load), and apart the
    statements with attributes: their subject, predicate, object, weight
    and from (what the patterns read)."""
    plain = os.path.join(folder, "plain.nt")
    reified = os.path.join(folder, "reified.nt")
    keep = (f"<{RDF}subject>", f"<{RDF}predicate>", f"<{RDF}object>", f"<{ATTR}weight>", f"<{ATTR}from>")
    with open(ntriples) as f, open(plain, "w") as p, open(reified, "w") as r:
        statement, lines, attributed = None, [], False
        for line in f:
            if line.startswith("<urn:dossier:entity/"):
                # Relation triples (a fact's predicate is the vocabulary's).
                if line.split(" ", 2)[1].startswith(f"<{REL}"):
                    p.write(line)
                continue
            if not line.startswith("<urn:dossier:statement/"):
                continue
            s, pred, _ = line.split(" ", 2)
            if s != statement:
                if attributed:
                    r.writelines(lines)
                statement, lines, attributed = s, [], False
            if pred in keep:
                lines.append(line)
                attributed = attributed or pred.startswith(f"<{ATTR}")
        if attributed:
            r.writelines(lines)
    return plain, reified


def oxigraph_run(ntriples, ops):
    import pyoxigraph as ox

    folder = tempfile.mkdtemp(prefix="dossier-compare-oxigraph-")
    try:
        plain, reified = split_export(ntriples, folder)
        with open(plain) as f:
            count = sum(1 for _ in f)
        before = rss_kib()
        t = time.perf_counter()
        store = ox.Store()
        store.bulk_load(path=plain, format=ox.RdfFormat.N_TRIPLES)
        load = time.perf_counter() - t
        memory = (rss_kib() - before) * 1024 / count

        def number(q):
            return int(next(iter(store.query(q)))[0].value)

        # Triples, not edges: RDF holds a triple once however often it was stated.
        def neighbours(n):
            e = entity(n)
            return number("SELECT (COUNT(*) AS ?c) WHERE { { %s ?p ?o } UNION { ?s ?p %s } }" % (e, e))

        # SPARQL has no shortest path: a breadth-first search from both
        # ends, one query a level, from the smaller frontier.
        def level(frontier):
            values = " ".join(frontier)
            return {str(s[0]) for s in store.query(
                "SELECT DISTINCT ?m WHERE { VALUES ?n { %s } { ?n ?p ?m } UNION { ?m ?p ?n } }" % values)}

        def shortest(a, b):
            a, b = entity(a), entity(b)
            if a == b:
                return 0
            seen = [{a: 0}, {b: 0}]
            frontier = [{a}, {b}]
            while frontier[0] and frontier[1]:
                side = 0 if len(frontier[0]) <= len(frontier[1]) else 1
                depth = seen[side][next(iter(frontier[side]))] + 1
                found = set()
                for m in level(frontier[side]):
                    if m in seen[1 - side]:
                        found.add(depth + seen[1 - side][m])
                    if m not in seen[side]:
                        seen[side][m] = depth
                if found:
                    return min(found)
                frontier[side] = {m for m, d in seen[side].items() if d == depth}
            return None

        # Simple paths of triples (a triple stated twice counts once).
        def all3(a, b):
            a, b = entity(a), entity(b)
            one = "SELECT (COUNT(*) AS ?c) WHERE { { %s ?p %s } UNION { %s ?p %s } FILTER(%s != %s) }" % (
                a, b, b, a, a, b)
            two = "SELECT (COUNT(*) AS ?c) WHERE { { %s ?p ?m } UNION { ?m ?p %s } { ?m ?q %s } UNION { %s ?q ?m } " \
                  "FILTER(?m != %s && ?m != %s) }" % (a, a, b, b, a, b)
            three = "SELECT (COUNT(*) AS ?c) WHERE { { %s ?p ?m } UNION { ?m ?p %s } { ?m ?q ?k } UNION { ?k ?q ?m } " \
                    "{ ?k ?t %s } UNION { %s ?t ?k } FILTER(?m != %s && ?m != %s && ?k != %s && ?k != %s && ?m != ?k) }" % (
                        a, a, b, b, a, b, a, b)
            return number(one) + number(two) + number(three)

        figures = finish("oxigraph", (load, memory, neighbours, shortest, all3), ops)
        store.bulk_load(path=reified, format=ox.RdfFormat.N_TRIPLES)
        named = entity(ops["named"])
        figures["patterns"] = run_patterns(
            lambda q: number(q.replace("$n", named)), SPARQL, ops)
        return figures
    finally:
        shutil.rmtree(folder, ignore_errors=True)
