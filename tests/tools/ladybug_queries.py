"""Loads the Parquet tables into LadybugDB with `dossier translate --to
cypher --schema` and runs queries, printing each one's rows (or its error)
as a JSON line. In a process of its own: Kuzu, which other tests import,
and its fork LadybugDB crash when loaded into one process together.

python ladybug_queries.py DATABASE SCHEMA QUERIES.json"""

import datetime
import json
import sys

import ladybug

database, schema, queries = sys.argv[1:4]
conn = ladybug.Connection(ladybug.Database(database))
conn.execute(open(schema, encoding="utf-8").read())


def plain(v):
    if isinstance(v, (datetime.date, datetime.datetime)):
        return v.isoformat()
    return v


for text in json.load(open(queries, encoding="utf-8")):
    try:
        result = conn.execute(text)
        rows = []
        while result.has_next():
            rows.append([plain(v) for v in result.get_next()])
        print(json.dumps({"rows": rows, "columns": result.get_column_names()}))
    except Exception as e:
        print(json.dumps({"error": str(e)}))
