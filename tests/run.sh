#!/usr/bin/env bash
# Every test: the Rust tests (`cargo test`, which need nothing but Rust),
# then the checks of the exports with the real tools that read them:
# Graphviz's `dot`; networkx, rdflib, pyoxigraph, Kuzu, LadybugDB, DuckDB, pyarrow
# and Spark from PyPI (Spark runs on Java 17); Neo4j's Cypher parser from
# npm; `man` for the manual page; Neovim for the language server; the
# VS Code extension's grammar with vscode-tmgrammar-test from npm; the HTML page in headless Chromium and
# Firefox, driven by playwright-core and puppeteer-core from npm. What is
# missing is installed first: Graphviz, Java, Node.js, Chromium, Firefox,
# Neovim and man-db from
# Debian's packages, the Python packages in a virtual environment under
# target/, the npm package under target/npm.
set -euo pipefail
cd "$(dirname "$0")/.."

debian=""
command -v dot >/dev/null 2>&1 || debian="$debian graphviz"
java -version 2>&1 | grep -q 'version "17' || debian="$debian openjdk-17-jre-headless"
command -v node >/dev/null 2>&1 || debian="$debian nodejs"
command -v npm >/dev/null 2>&1 || debian="$debian npm"
command -v man >/dev/null 2>&1 || debian="$debian man-db"
command -v nvim >/dev/null 2>&1 || debian="$debian neovim"
[ -x /usr/bin/chromium ] || debian="$debian chromium"
[ -x /usr/bin/firefox-esr ] || debian="$debian firefox-esr"
if [ -n "$debian" ]; then
    echo "installing Debian packages:$debian"
    sudo=""
    if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $debian >/dev/null
fi
# Spark takes the first java on the PATH; make it Java 17.
if ! java -version 2>&1 | grep -q 'version "17'; then
    export JAVA_HOME=$(ls -d /usr/lib/jvm/java-17-openjdk-* | head -1)
    export PATH="$JAVA_HOME/bin:$PATH"
fi

venv=target/pyenv
packages="networkx==3.6.1 rdflib==7.6.0 pyoxigraph==0.5.13 kuzu==0.11.3 ladybug==0.22.0 duckdb==2.0.0 pyspark==4.3.0 pytest==9.2.0 pyld==3.3.0 followthemoney==4.11.2 pyarrow==26.0.1"
# Kuzu and its fork LadybugDB are imported apart: they crash in one process.
installed() {
    for module in "networkx, rdflib, pyoxigraph, duckdb, pyspark, pytest, pyld, followthemoney, pyarrow" kuzu ladybug; do
        "$venv/bin/python" -c "import $module" >/dev/null 2>&1 || return 1
    done
}
if ! installed; then
    echo "installing Python packages into $venv: $packages"
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q --disable-pip-version-check $packages
fi

cypher=@neo4j-cypher/language-support@2.0.0-next.38
if [ ! -f target/npm/node_modules/@neo4j-cypher/language-support/package.json ]; then
    echo "installing $cypher into target/npm"
    mkdir -p target/npm
    npm install --silent --no-audit --no-fund --prefix target/npm "$cypher" >/dev/null
fi

for browser in playwright-core@1.65.1 puppeteer-core@25.16.0 vscode-tmgrammar-test@0.1.3 @vscode/vsce@3.7.1; do
    if [ ! -f "target/npm/node_modules/${browser%@*}/package.json" ]; then
        echo "installing $browser into target/npm"
        mkdir -p target/npm
        npm install --silent --no-audit --no-fund --prefix target/npm "$browser" >/dev/null
    fi
done

# The VS Code extension's own dependencies, as its package.json pins them,
# for the test that packages it.
client=$(sed -n 's/.*"vscode-languageclient": "\(.*\)".*/\1/p' editors/vscode/package.json)
if [ ! -f "target/vscode-deps/node_modules/vscode-languageclient/package.json" ] ||
    ! grep -q "\"version\": \"$client\"" target/vscode-deps/node_modules/vscode-languageclient/package.json; then
    echo "installing vscode-languageclient@$client into target/vscode-deps"
    mkdir -p target/vscode-deps
    npm install --silent --no-audit --no-fund --prefix target/vscode-deps "vscode-languageclient@$client" >/dev/null
fi

cargo test
cargo build --quiet
DOSSIER="$PWD/target/debug/dossier" "$venv/bin/python" -m pytest -q tests/tools
