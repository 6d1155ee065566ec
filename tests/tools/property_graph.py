"""Runs a Cypher script in Kuzu or LadybugDB and prints what the tests
check, as JSON. Each engine runs in a process of its own: Kuzu and its
fork LadybugDB crash when loaded into one process together.

python property_graph.py ENGINE DATABASE SCRIPT [FOLDER]"""

import datetime
import json
import os
import sys

engine, database, script = sys.argv[1:4]
if len(sys.argv) > 4:
    os.chdir(sys.argv[4])
module = __import__(engine)
conn = module.Connection(module.Database(database))
# newline="": a CR in a name is a CR, not a line end.
conn.execute(open(script, encoding="utf-8", newline="").read())


def rows(query):
    out = conn.execute(query)
    found = []
    while out.has_next():
        found.append([v.isoformat() if isinstance(v, datetime.date) else v for v in out.get_next()])
    return found


answers = {
    "entities": rows("MATCH (n:Entity) RETURN n.name, n.kind, n.label, n.declared, n.file, n.line, n.attributes"),
    "edges": rows("MATCH (a:Entity)-[r:Relation]->(b:Entity) RETURN a.name, r.relation, b.name, r.file, r.line"),
    "facts": rows("MATCH (a:Entity)-[:HAS_FACT]->(f:Fact) RETURN a.name, f.predicate, f.file, f.line"),
}
columns = {c[1] for c in rows("CALL table_info('Entity') RETURN *")}
if {"count", "attribute.name"} <= columns:
    answers["plain"] = rows(
        "MATCH (n:Entity) WHERE n.name = 'Plain' RETURN n.count, n.ratio, n.big, n.small, n.flag, n.since, n.capital, n.note, n.empty"
    )
    answers["id"] = rows(
        "MATCH (n:Entity) WHERE n.name = 'id' RETURN n.`attribute.name`, n.`attribute.label`, n.facts, n.id"
    )
print(json.dumps(answers))
