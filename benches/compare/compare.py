"""Builds one generated graph in networkx, igraph, rustworkx, Kuzu,
LadybugDB, DuckDB and Oxigraph, times the same operations as Dossier on it,
and prints a table of figures and of ratios (the peer's figure over
Dossier's; above 1 means Dossier is better), with whether each peer's
answers are Dossier's. The engines with a query language (engines.py) run
the six pattern workloads too.

Run by benches/compare/run.sh, which makes the graph, its exports (CSV, and
N-Triples as graph.nt beside the CSV files) and the environment:
    python compare.py GRAPH.kg NODES.csv EDGES.csv DOSSIER_COMPARE_BINARY [TOOLS]
"""

import csv
import gc
import json
import os
import random
import statistics
import subprocess
import sys
import time


def rss_kib():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def best(f, repeat):
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return min(times)


BUDGET_S = 120


def per_pair(f, pairs, repeat):
    """The time of f(a, b) for each pair (best of `repeat`), stopping once
    the pairs done took BUDGET_S seconds in all (a slow tool is timed on
    the first pairs only; they are in random order)."""
    times = []
    start = time.perf_counter()
    for a, b in pairs:
        times.append(best(lambda: f(a, b), repeat))
        if time.perf_counter() - start > BUDGET_S:
            break
    return times


def per_pair_answers(f, pairs, repeat):
    """per_pair's times, and f's answer for each pair timed."""
    answers = {}

    def answered(a, b):
        answers[(a, b)] = f(a, b)

    times = per_pair(answered, pairs, repeat)
    return times, [answers[(a, b)] for a, b in pairs[: len(times)]]


def agreement(ours, r):
    """Where a peer's answers differ from Dossier's: a list of what differs
    (empty: they agree on everything it answered)."""
    differ = []
    for key in ("neighbours_ordinary_count", "neighbours_hub_count"):
        if r[key] != ours[key]:
            differ.append(f"{key.removesuffix('_count').replace('_', ' ')}: {r[key]} against {ours[key]}")
    for key, what in (("path_hops", "path hops"), ("paths3_counts", "paths max 3")):
        wrong = [i for i, v in enumerate(r[key]) if v != ours[key][i]]
        if wrong:
            i = wrong[0]
            differ.append(f"{what}: {len(wrong)} of {len(r[key])} pairs (first: {r[key][i]} against {ours[key][i]})")
    return differ


def read_csv(nodes_csv, edges_csv, attributes=False):
    """The names, and the edges as (from, to, relation), with their weight
    and from date too (empty when none) when `attributes`."""
    with open(nodes_csv, newline="") as f:
        rows = csv.reader(f)
        next(rows)
        names = [r[0] for r in rows]
    with open(edges_csv, newline="") as f:
        rows = csv.reader(f)
        header = next(rows)
        if attributes:
            w, d = header.index("weight:long"), header.index("from:date")
            edges = [(r[0], r[1], r[2], r[w], r[d]) for r in rows]
        else:
            edges = [(r[0], r[1], r[2]) for r in rows]
    return names, edges


# The six pattern workloads, as Dossier asks them (`{n}`: the named entity,
# `{d}`: the date); engines.py has them in Cypher, SQL and SPARQL. Each is
# counted, as the peers count their distinct rows, so that no tool pays
# for handing its rows over (benches/patterns.rs times Dossier's rows).
PATTERNS = [
    ("join", "a two-clause join from a named entity", "count {n} ?r ?x, ?x rel8 ?y"),
    ("two_hops", "two hops over two relations", "count ?x rel7 ?y, ?y rel8 ?z"),
    ("triangle", "a triangle over one relation", "count ?a rel7 ?b, ?b rel7 ?c, ?c rel7 ?a"),
    ("filter", "an attribute filter", "count ?x rel7 ?y {{weight: ?w}} where ?w > 90"),
    ("path", "a path expression from a named entity", "count {n} (rel7|rel8)+ ?y"),
    ("as_of", "the same as of a date", "count {n} (rel7|rel8)+ ?y as of {d}"),
]


def named_entity(kg):
    """The subject of the relation file's first `rel7` statement (as
    benches/patterns.rs picks it), with a name that needs no quotes."""
    with open(kg) as f:
        for line in f:
            words = line.split(" ")
            if len(words) > 2 and words[1] == "rel7" and not words[0].startswith('"'):
                return words[0]
    sys.exit(f"{kg} has no rel7 statement")


def ops_for(names, edges, seed=7, pairs=25):
    degree = {}
    for a, b, _ in edges:
        degree[a] = degree.get(a, 0) + 1
        degree[b] = degree.get(b, 0) + 1
    rng = random.Random(seed)
    sample = sorted((degree.get(n, 0), n) for n in rng.sample(names, 1000))
    ordinary = sample[len(sample) // 2][1]
    hub = max(degree, key=degree.get)
    chosen = [rng.sample(names, 2) for _ in range(pairs)]
    return {"ordinary": ordinary, "hub": hub, "pairs": chosen}


def with_patterns(ops, named, date="2010-01-01"):
    ops = dict(ops, named=named, date=date)
    ops["patterns"] = [[key, query.format(n=named, d=date)] for key, _, query in PATTERNS]
    return ops


def loaded(build, files):
    """Reads the CSV files and builds a graph of them: the seconds taken and
    the resident memory added per edge, once the lists read are freed."""
    gc.collect()
    before = rss_kib()
    t = time.perf_counter()
    names, edges = read_csv(*files)
    g = build(names, edges)
    load = time.perf_counter() - t
    count = len(edges)
    del names, edges
    gc.collect()
    return g, load, (rss_kib() - before) * 1024 / count


def networkx_run(files, ops):
    import networkx as nx

    def build(names, edges):
        g = nx.MultiDiGraph()
        g.add_nodes_from(names)
        g.add_edges_from((a, b, {"relation": r}) for a, b, r in edges)
        return g

    g, load, memory = loaded(build, files)
    # An undirected multigraph of the same edges, each its own: the view
    # `to_undirected` gives merges a->b and b->a when their keys are equal.
    u = nx.MultiGraph()
    u.add_nodes_from(g)
    u.add_edges_from(g.edges())

    # Edges, not distinct entities: a multigraph's successors repeat a
    # node once per edge only through its edge views.
    def neighbours(n):
        return g.out_degree(n) + g.in_degree(n)

    def shortest(a, b):
        try:
            return len(nx.bidirectional_shortest_path(u, a, b)) - 1
        except nx.NetworkXNoPath:
            return None

    # `cutoff` counts hops (edges); on a multigraph a path is yielded once
    # for each choice of parallel edges, as Dossier counts them.
    return load, memory, neighbours, shortest, lambda a, b: sum(1 for _ in nx.all_simple_edge_paths(u, a, b, cutoff=3))


def igraph_run(files, ops):
    import igraph as ig

    def build(names, edges):
        index = {n: i for i, n in enumerate(names)}
        g = ig.Graph(n=len(names), edges=[(index[a], index[b]) for a, b, _ in edges],
                     directed=True, vertex_attrs={"name": names},
                     edge_attrs={"relation": [r for _, _, r in edges]})
        return g, index

    (g, index), load, memory = loaded(build, files)

    # `neighbors` lists a node once per edge (a multigraph's too).
    def neighbours(n):
        return len(g.neighbors(index[n], mode="all"))

    def shortest(a, b):
        p = g.get_shortest_path(index[a], index[b], mode="all")
        return len(p) - 1 if p else None

    # `maxlen` counts hops; a path of vertices, once however many parallel
    # edges join them.
    return load, memory, neighbours, shortest, lambda a, b: len(g.get_all_simple_paths(index[a], index[b], maxlen=3, mode="all"))


def rustworkx_run(files, ops):
    import rustworkx as rx

    def build(names, edges):
        g = rx.PyDiGraph(multigraph=True)
        ids = g.add_nodes_from(names)
        index = dict(zip(names, ids))
        g.add_edges_from([(index[a], index[b], r) for a, b, r in edges])
        return g, index

    (g, index), load, memory = loaded(build, files)
    u = g.to_undirected(multigraph=True)

    # Distinct neighbours: rustworkx dedupes them.
    def neighbours(n):
        return len(g.neighbors_undirected(index[n]))

    def shortest(a, b):
        p = rx.dijkstra_shortest_paths(u, index[a], index[b])
        return len(p[index[b]]) - 1 if index[b] in p else None

    # `cutoff` counts nodes, not hops: at most 3 hops is a cutoff of 4
    # (a cutoff of 3, as measured before 2026-12-03, found paths of at most
    # two hops). A path of nodes, once however many parallel edges join them.
    return load, memory, neighbours, shortest, lambda a, b: len(rx.all_simple_paths(u, index[a], index[b], cutoff=4))


def finish(tool, result, ops):
    load, memory, neighbours, shortest, count3 = result
    path, hops = per_pair_answers(shortest, ops["pairs"], 3)
    paths, counts = per_pair_answers(count3, ops["pairs"], 1)
    return {
        "neighbours_ordinary_count": neighbours(ops["ordinary"]),
        "neighbours_hub_count": neighbours(ops["hub"]),
        "path_hops": hops,
        "paths3_counts": counts,
        "tool": tool,
        "load_s": load,
        "bytes_per_edge": memory,
        "neighbours_ordinary_s": best(lambda: neighbours(ops["ordinary"]), 200),
        "neighbours_hub_s": best(lambda: neighbours(ops["hub"]), 5),
        "path_median_s": statistics.median(path),
        "path_pairs": len(path),
        "paths3_median_s": statistics.median(paths),
        "paths3_pairs": len(paths),
    }


COLUMNS = [
    ("load_s", "load (s)"),
    ("bytes_per_edge", "memory (B/edge)"),
    ("neighbours_ordinary_s", "neighbours, ordinary"),
    ("neighbours_hub_s", "neighbours, hub"),
    ("path_median_s", "path, median"),
    ("paths3_median_s", "paths max 3, median"),
]


def show(value, key):
    if key == "bytes_per_edge":
        return f"{value:.0f}"
    if key == "load_s":
        return f"{value:.2f}"
    for unit, scale in (("s", 1), ("ms", 1e3), ("µs", 1e6)):
        if value * scale >= 1 or unit == "µs":
            return f"{value * scale:.3g} {unit}"


def one(tool, nodes_csv, edges_csv):
    ops = json.loads(sys.stdin.read())
    files = (nodes_csv, edges_csv)
    import engines
    if tool in ("kuzu", "ladybug", "duckdb"):
        names, edges = read_csv(*files, attributes=True)
        if tool == "duckdb":
            print(json.dumps(engines.duckdb_run(names, edges, ops)))
        else:
            print(json.dumps(engines.cypher_run(tool, names, edges, ops)))
        return
    if tool == "oxigraph":
        ntriples = os.path.join(os.path.dirname(edges_csv), "graph.nt")
        print(json.dumps(engines.oxigraph_run(ntriples, ops)))
        return
    run = {"networkx": networkx_run, "igraph": igraph_run, "rustworkx": rustworkx_run}[tool]
    print(json.dumps(finish(tool, run(files, ops), ops)))


TOOLS = ["networkx", "igraph", "rustworkx", "kuzu", "ladybug", "duckdb", "oxigraph"]


def main():
    if sys.argv[1] == "--one":
        one(*sys.argv[2:5])
        return
    kg, nodes_csv, edges_csv, binary = sys.argv[1:5]
    only = set(sys.argv[5].split(",")) if len(sys.argv) > 5 else None
    names, edges = read_csv(nodes_csv, edges_csv)
    ops = with_patterns(ops_for(names, edges), named_entity(kg))
    # The same triples the peers load, for Dossier as tab-separated values.
    triples = os.path.join(os.path.dirname(edges_csv), "triples.tsv")
    if not os.path.exists(triples):
        with open(triples + ".tmp", "w") as f:
            f.writelines(f"{a}\t{r}\t{b}\n" for a, b, r in edges)
        os.replace(triples + ".tmp", triples)
    print(f"{len(names)} entities, {len(edges)} edges; ordinary {ops['ordinary']}, "
          f"hub {ops['hub']}, {len(ops['pairs'])} random pairs", file=sys.stderr)
    ours = json.loads(subprocess.run([binary, kg, triples], input=json.dumps(ops), text=True,
                                     capture_output=True, check=True).stdout)
    # Like for like: Dossier's load and memory are those of the same
    # triples the peers are given; its relation file's, with kinds, labels
    # and attributes, are printed below the tables.
    ours["load_kg_s"], ours["bytes_per_edge_kg"] = ours["load_s"], ours["bytes_per_edge"]
    ours["load_s"], ours["bytes_per_edge"] = ours["load_triples_s"], ours["bytes_per_edge_triples"]
    results = [ours]
    del names, edges
    # Each peer in a process of its own, so that none reuses memory another
    # freed and its resident memory is its own.
    for tool in TOOLS:
        if only and tool not in only:
            continue
        print(f"{tool}...", file=sys.stderr)
        child = subprocess.run([sys.executable, __file__, "--one", tool, nodes_csv, edges_csv],
                             input=json.dumps(ops), text=True, capture_output=True)
        if child.returncode != 0:
            sys.exit(f"{tool} failed:\n{child.stderr}")
        results.append(json.loads(child.stdout))
    header = "| tool | " + " | ".join(title for _, title in COLUMNS) + " |"
    print(header)
    print("|" + "---|" * (len(COLUMNS) + 1))
    for r in results:
        cells = [show(r[k], k) for k, _ in COLUMNS]
        for i, (k, _) in enumerate(COLUMNS):
            done = r.get(k.replace("_median_s", "_pairs").replace("paths3", "paths3"))
            if k.endswith("_median_s") and done is not None and done < len(ops["pairs"]):
                cells[i] += f" ({done} pairs)"
        print(f"| {r['tool']} | " + " | ".join(cells) + " |")
    print()
    # A time counts only when the answers behind it are Dossier's.
    answers = {
        "neighbours_ordinary_s": "neighbours_ordinary_count",
        "neighbours_hub_s": "neighbours_hub_count",
        "path_median_s": "path_hops",
        "paths3_median_s": "paths3_counts",
    }

    def agrees(r, k):
        a = answers.get(k)
        if a is None:
            return True
        if isinstance(ours[a], list):
            return all(v == ours[a][i] for i, v in enumerate(r[a]))
        return r[a] == ours[a]

    print("Answers, each peer's beside Dossier's:")
    for r in results[1:]:
        differ = agreement(ours, r)
        print(f"- {r['tool']}: " + ("the same" if not differ else "differs: " + "; ".join(differ)))
    print()
    print("Ratios, each peer's figure over Dossier's (above 1: Dossier is better; "
          "`differs`: its answers are not Dossier's, so its time is not ranked):")
    print(header)
    print("|" + "---|" * (len(COLUMNS) + 1))
    for r in results[1:]:
        print(f"| {r['tool']} | " + " | ".join(
            f"{r[k] / ours[k]:.1f}x" if agrees(r, k) else "differs" for k, _ in COLUMNS) + " |")
    best_peer = {}
    for k, _ in COLUMNS:
        agreeing = [r[k] for r in results[1:] if agrees(r, k)]
        best_peer[k] = min(agreeing) if agreeing else None
    if results[1:]:
        print("| best peer | " + " | ".join(
            f"{best_peer[k] / ours[k]:.1f}x" if best_peer[k] is not None else "none agrees"
            for k, _ in COLUMNS) + " |")
    print()
    print(f"Dossier on its relation file (kinds, labels, attributes, facts): load "
          f"{ours['load_kg_s']:.2f} s, {ours['bytes_per_edge_kg']:.0f} B/edge")
    print("Dossier's neighbours as a query, records sorted by name, relation and direction "
          f"(evaluated / parsed and evaluated): ordinary "
          f"{show(ours['neighbours_ordinary_query_s'], '')} / "
          f"{show(ours['neighbours_ordinary_parsed_s'], '')}, hub "
          f"{show(ours['neighbours_hub_query_s'], '')} / "
          f"{show(ours['neighbours_hub_parsed_s'], '')}")
    show_patterns(ours, results[1:], ops)
    print(json.dumps(results), file=sys.stderr)


def show_patterns(ours, peers, ops):
    """The pattern workloads: each tool's time beside Dossier's answer
    count, its ratio when its answer is Dossier's, and what differs."""
    peers = [r for r in peers if "patterns" in r]
    if not peers:
        return
    print()
    print("Patterns (time; ratio to Dossier's, above 1: Dossier is better; `differs`: "
          "another answer, not ranked; `none`: the language cannot say it):")
    print("| pattern | Dossier's answer | Dossier | " + " | ".join(r["tool"] for r in peers) + " | best peer |")
    print("|" + "---|" * (len(peers) + 4))
    for key, title, query in PATTERNS:
        mine = ours["patterns"][key]
        cells, agreeing = [], []
        for r in peers:
            theirs = r["patterns"].get(key)
            if theirs is None:
                cells.append("none")
            elif theirs["answer"] != mine["answer"]:
                cells.append(f"{show(theirs['s'], '')}, differs ({theirs['answer']})")
            else:
                agreeing.append(theirs["s"])
                cells.append(f"{show(theirs['s'], '')} ({theirs['s'] / mine['s']:.1f}x)")
        peer = f"{min(agreeing) / mine['s']:.1f}x" if agreeing else "none agrees"
        query = query.format(n=ops["named"], d=ops["date"])
        print(f"| {title}: `{query}` | {mine['answer']} | {show(mine['s'], '')} | " + " | ".join(cells)
              + f" | {peer} |")


if __name__ == "__main__":
    main()
