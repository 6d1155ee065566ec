#!/usr/bin/env bash
# Dossier beside networkx, igraph, rustworkx, Kuzu, LadybugDB, DuckDB and
# Oxigraph on one generated graph: each peer's answers are checked against
# Dossier's before its time is ranked, on the four graph operations and
# (the engines with a query language) the six pattern workloads.
#   bash benches/compare/run.sh [STATEMENTS] [TOOLS]
# STATEMENTS defaults to 1000000; TOOLS is a comma list to run only some
# peers (networkx,igraph,rustworkx,kuzu,ladybug,duckdb,oxigraph). The Python
# packages go in a virtual environment under target/; the graph and its
# exports under target/compare/, made again when the generator changed.
set -euo pipefail
cd "$(dirname "$0")/../.."
statements=${1:-1000000}
env=target/compare-env
if [ ! -x "$env/bin/python" ]; then
    python3 -m venv "$env"
fi
"$env/bin/pip" install -q --disable-pip-version-check networkx==3.6.1 igraph==1.0.0 rustworkx==0.18.1 \
    kuzu==0.11.3 ladybug==0.22.0 duckdb==2.0.0 pyoxigraph==0.5.13 numpy
cargo build -q --release --bin dossier --example gen --example compare
mkdir -p target/compare
graph=target/compare/gen-$statements.kg
exports=target/compare/csv-$statements
if [ ! -s "$graph" ] || [ src/generate.rs -nt "$graph" ]; then
    target/release/examples/gen --statements "$statements" --seed 1 > "$graph.tmp"
    mv "$graph.tmp" "$graph"
fi
if [ ! -s "$exports/graph.nt" ] || [ "$graph" -nt "$exports/graph.nt" ]; then
    rm -rf "$exports"
    target/release/dossier export "$graph" --to csv -o "$exports"
    target/release/dossier export "$graph" --to ntriples -o "$exports/graph.nt"
    rm -f "$exports/triples.tsv"
fi
"$env/bin/python" benches/compare/compare.py "$graph" \
    "$exports/nodes.csv" "$exports/edges.csv" \
    target/release/examples/compare ${2:+"$2"}
