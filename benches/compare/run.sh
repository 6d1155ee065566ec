#!/usr/bin/env bash
# Dossier beside networkx, igraph, rustworkx and Kuzu on one generated graph:
# each peer's answers are checked against Dossier's before its time is ranked.
#   bash benches/compare/run.sh [STATEMENTS] [TOOLS]
# STATEMENTS defaults to 1000000; TOOLS is a comma list to run only some
# peers (networkx,igraph,rustworkx,kuzu). The Python packages go in a
# virtual environment under target/; the graph under target/compare/.
set -euo pipefail
cd "$(dirname "$0")/../.."
statements=${1:-1000000}
env=target/compare-env
if [ ! -x "$env/bin/python" ]; then
    python3 -m venv "$env"
fi
"$env/bin/pip" install -q networkx==3.6.1 igraph==1.0.0 rustworkx==0.18.1 kuzu==0.11.3 numpy
cargo build -q --release --example gen --example compare
mkdir -p target/compare
graph=target/compare/gen-$statements.kg
if [ ! -s "$graph" ]; then
    target/release/examples/gen --statements "$statements" --seed 1 > "$graph.tmp"
    mv "$graph.tmp" "$graph"
fi
if [ ! -s "target/compare/csv-$statements/edges.csv" ]; then
    cargo run -q --release -- export "$graph" --to csv -o "target/compare/csv-$statements"
fi
"$env/bin/python" benches/compare/compare.py "$graph" \
    "target/compare/csv-$statements/nodes.csv" "target/compare/csv-$statements/edges.csv" \
    target/release/examples/compare ${2:+"$2"}
