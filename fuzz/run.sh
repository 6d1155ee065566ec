#!/usr/bin/env bash
# Runs each fuzz target for SECONDS (default 600) in turn, one job each,
# from the seed corpora under fuzz/corpus/. Needs a nightly toolchain and
# cargo-fuzz: `cargo install cargo-fuzz`. Crashes land in fuzz/artifacts/.
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-600}
# Seeds: the bundled graph, the error corpus, the golden queries, exports.
if [ ! -d corpus/relations ]; then
    mkdir -p corpus/relations corpus/query corpus/tsv corpus/json corpus/snapshot
    cp ../data/koreas.kg ../tests/bad/*.kg corpus/relations/
    i=0
    for f in ../tests/cases/*/queries; do
        while IFS= read -r line; do
            i=$((i + 1))
            printf '%s' "$line" > "corpus/query/q$i"
        done < "$f"
    done
    cargo run -q --release --manifest-path ../Cargo.toml -- export ../data/koreas.kg --to json -o corpus/json/koreas.json
    cargo run -q --release --manifest-path ../Cargo.toml -- export ../data/koreas.kg --to snapshot -o corpus/snapshot/koreas.dsnap
    printf 'A\tr\tB\nB\ts\tC\n' > corpus/tsv/seed.tsv
fi
for target in ${TARGETS:-relations query query_structured tsv json snapshot snapshot_forged}; do
    mkdir -p "corpus/$target"
    # Inputs that once failed stay among the seeds.
    if [ -d "regressions/$target" ]; then
        cp regressions/"$target"/* "corpus/$target/"
    fi
    cargo +nightly fuzz run -O "$target" "corpus/$target" -- \
        -max_total_time="$seconds" -rss_limit_mb=8192 -malloc_limit_mb=2048 -timeout=10 -max_len=4096
done
