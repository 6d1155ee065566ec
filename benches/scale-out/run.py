"""Dossier beside DuckDB and Spark (local mode) on the same translated
questions over a generated graph: the price of handing a question to a
bigger engine. Each engine's answer is checked against Dossier's before its
time counts.

    cargo build --release
    cargo run --release --example gen -- --statements 5000000 --seed 1 > /tmp/g5m.kg
    target/release/dossier export /tmp/g5m.kg --to snapshot -o /tmp/g5m.dsnap
    target/pyenv/bin/python benches/scale-out/run.py /tmp/g5m.dsnap

(target/pyenv is the environment tests/run.sh makes.) Prints a Markdown
table; docs/scale-out.md has the figures of this machine."""

import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOSSIER = str(ROOT / "target" / "release" / "dossier")
QUESTIONS = [
    ("a pattern", "E42 ?r ?y, ?y rel7 ?z", []),
    ("neighbours depth 2", "neighbours E123456 depth 2", []),
    ("a shortest path", "path E42 -> E77", ["--max-depth", "3"]),
]


def dossier(*args):
    out = subprocess.run([DOSSIER, *args], capture_output=True, text=True, check=True)
    return out.stdout, out.stderr


def rows_of(answer):
    """Dossier's JSON answer as rows, as the engines give them."""
    if "columns" in answer:
        return sorted(tuple(r) for r in answer["rows"])
    if "neighbours" in answer:
        return sorted((n["entity"], n["relation"], n["direction"], n["depth"]) for n in answer["neighbours"])
    return len(answer["path"] or [])


def engine_rows(rows, query):
    if query.startswith("path"):
        return len(rows)
    return sorted(tuple(int(v) if isinstance(v, int) else v for v in r) for r in rows)


def main(graph):
    folder = Path(tempfile.mkdtemp()) / "tables"
    began = time.time()
    dossier("export", graph, "--to", "parquet", "-o", str(folder))
    print(f"export --to parquet: {time.time() - began:.1f} s (with the load)")
    began = time.time()
    dossier("check", graph)
    print(f"dossier load: {time.time() - began:.2f} s")

    import duckdb
    from pyspark.sql import SparkSession

    con = duckdb.connect()
    for t in ["entities", "statements", "facts", "attributes"]:
        con.execute(f"CREATE VIEW {t} AS FROM '{folder}/{t}.parquet'")
    spark = (
        SparkSession.builder.master("local[2]")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.memory", "8g")
        .config("spark.sql.shuffle.partitions", "4")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    for t in ["entities", "statements", "facts", "attributes"]:
        spark.read.parquet(str(folder / f"{t}.parquet")).createOrReplaceTempView(t)

    print("| question | Dossier | DuckDB | Spark local |")
    print("| --- | --- | --- | --- |")
    for what, query, options in QUESTIONS:
        out, err = dossier(graph, "--json", "-c", ".timer on", "-c", query)
        want = rows_of(json.loads(next(l for l in out.splitlines() if l.startswith("{"))))
        ours = float(re.search(r"time: ([0-9.]+) ms", out + err).group(1))
        times = {}
        for engine in ["duckdb", "spark"]:
            text, _ = dossier("translate", graph, "--to", engine, *options, query)
            began = time.time()
            if engine == "duckdb":
                rows = con.execute(text).fetchall()
            else:
                rows = [tuple(r) for r in spark.sql(text.rstrip().rstrip(";")).collect()]
            times[engine] = time.time() - began
            got = engine_rows(rows, query)
            if query.startswith("path"):
                assert got == want, (engine, query, got, want)
            else:
                assert got == want, (engine, query, len(got), len(want))
        print(f"| {what} (`{query}`) | {ours:.2f} ms | {times['duckdb']:.2f} s | {times['spark']:.1f} s |")
    spark.stop()


if __name__ == "__main__":
    main(sys.argv[1])
