#!/usr/bin/env bash
# Every test: the Rust tests (`cargo test`, which need nothing but Rust),
# then the checks of the exports with the real tools that read them:
# Graphviz's `dot`, and networkx, rdflib, pyoxigraph and Kuzu from PyPI.
# What is missing is installed first: Graphviz from Debian's packages, the
# Python packages in a virtual environment under target/.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v dot >/dev/null 2>&1; then
    echo "installing Graphviz (apt-get install graphviz)"
    sudo=""
    if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq graphviz >/dev/null
fi

venv=target/pyenv
packages="networkx==3.6.1 rdflib==7.6.0 pyoxigraph==0.5.13 kuzu==0.11.3 pytest==9.2.0"
if ! "$venv/bin/python" -c "import networkx, rdflib, pyoxigraph, kuzu, pytest" >/dev/null 2>&1; then
    echo "installing Python packages into $venv: $packages"
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q --disable-pip-version-check $packages
fi

cargo test
cargo build --quiet
DOSSIER="$PWD/target/debug/dossier" "$venv/bin/python" -m pytest -q tests/tools
