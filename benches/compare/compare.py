"""Builds one generated graph in networkx, igraph, rustworkx and Kuzu, times
the same operations as Dossier on it, and prints a table of figures and of
ratios (the peer's figure over Dossier's; above 1 means Dossier is better).

Run by benches/compare/run.sh, which makes the graph and the environment:
    python compare.py GRAPH.kg NODES.csv EDGES.csv DOSSIER_COMPARE_BINARY
"""

import csv
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
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


def read_csv(nodes_csv, edges_csv):
    with open(nodes_csv, newline="") as f:
        rows = csv.reader(f)
        next(rows)
        names = [r[0] for r in rows]
    with open(edges_csv, newline="") as f:
        rows = csv.reader(f)
        next(rows)
        edges = [(r[0], r[1], r[2]) for r in rows]
    return names, edges


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


def networkx_run(names, edges, ops):
    import networkx as nx

    before = rss_kib()
    t = time.perf_counter()
    g = nx.MultiDiGraph()
    g.add_nodes_from(names)
    g.add_edges_from((a, b, {"relation": r}) for a, b, r in edges)
    load = time.perf_counter() - t
    memory = (rss_kib() - before) * 1024 / len(edges)
    u = g.to_undirected(as_view=True)

    def neighbours(n):
        return len(list(g.successors(n))) + len(list(g.predecessors(n)))

    path = [best(lambda: nx.bidirectional_shortest_path(u, a, b), 3)
            if nx.has_path(u, a, b) else best(lambda: nx.has_path(u, a, b), 1)
            for a, b in ops["pairs"]]
    paths = [best(lambda: sum(1 for _ in nx.all_simple_paths(u, a, b, cutoff=3)), 1)
             for a, b in ops["pairs"]]
    return load, memory, neighbours, path, paths


def igraph_run(names, edges, ops):
    import igraph as ig

    before = rss_kib()
    t = time.perf_counter()
    index = {n: i for i, n in enumerate(names)}
    g = ig.Graph(n=len(names), edges=[(index[a], index[b]) for a, b, _ in edges],
                 directed=True, vertex_attrs={"name": names},
                 edge_attrs={"relation": [r for _, _, r in edges]})
    load = time.perf_counter() - t
    memory = (rss_kib() - before) * 1024 / len(edges)

    def neighbours(n):
        return len(g.neighbors(index[n], mode="all"))

    path = [best(lambda: g.get_shortest_path(index[a], index[b], mode="all"), 3)
            for a, b in ops["pairs"]]
    paths = [best(lambda: g.get_all_simple_paths(index[a], index[b], cutoff=3, mode="all"), 1)
             for a, b in ops["pairs"]]
    return load, memory, neighbours, path, paths


def rustworkx_run(names, edges, ops):
    import rustworkx as rx

    before = rss_kib()
    t = time.perf_counter()
    g = rx.PyDiGraph(multigraph=True)
    ids = g.add_nodes_from(names)
    index = dict(zip(names, ids))
    g.add_edges_from([(index[a], index[b], r) for a, b, r in edges])
    load = time.perf_counter() - t
    memory = (rss_kib() - before) * 1024 / len(edges)
    u = g.to_undirected(multigraph=True)

    def neighbours(n):
        return len(g.neighbors_undirected(index[n]))

    path = [best(lambda: rx.dijkstra_shortest_paths(u, index[a], index[b]), 3)
            for a, b in ops["pairs"]]
    paths = [best(lambda: rx.all_simple_paths(u, index[a], index[b], cutoff=3), 1)
             for a, b in ops["pairs"]]
    return load, memory, neighbours, path, paths


def kuzu_run(names, edges, ops, nodes_csv, edges_csv):
    import kuzu

    folder = tempfile.mkdtemp(prefix="dossier-compare-kuzu-")
    try:
        # Kuzu reads plain CSV files: the names, and (from, to, relation).
        plain_nodes = os.path.join(folder, "nodes.csv")
        plain_edges = os.path.join(folder, "edges.csv")
        with open(plain_nodes, "w", newline="") as f:
            w = csv.writer(f)
            w.writerows([n] for n in names)
        with open(plain_edges, "w", newline="") as f:
            csv.writer(f).writerows(edges)
        before = rss_kib()
        t = time.perf_counter()
        db = kuzu.Database(os.path.join(folder, "db"))
        c = kuzu.Connection(db)
        c.execute("CREATE NODE TABLE E(name STRING, PRIMARY KEY(name))")
        c.execute("CREATE REL TABLE R(FROM E TO E, relation STRING)")
        c.execute(f"COPY E FROM '{plain_nodes}' (header=false)")
        c.execute(f"COPY R FROM '{plain_edges}' (header=false)")
        load = time.perf_counter() - t
        memory = (rss_kib() - before) * 1024 / len(edges)

        def neighbours(n):
            r = c.execute("MATCH (a:E {name: $n})-[:R]-(b:E) RETURN b.name", {"n": n})
            return len(r.get_all())

        def shortest(a, b):
            r = c.execute("MATCH p = (a:E {name: $a})-[:R* SHORTEST 1..30]-(b:E {name: $b}) "
                          "RETURN length(p)", {"a": a, "b": b})
            return r.get_all()

        def all3(a, b):
            r = c.execute("MATCH p = (a:E {name: $a})-[:R*1..3]-(b:E {name: $b}) "
                          "WHERE is_trail(p) RETURN count(*)", {"a": a, "b": b})
            return r.get_all()

        path = [best(lambda: shortest(a, b), 3) for a, b in ops["pairs"]]
        paths = [best(lambda: all3(a, b), 1) for a, b in ops["pairs"]]
        result = (load, memory, neighbours, path, paths)
        figures = finish("kuzu", result, ops)
        del c, db
        return figures
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def finish(tool, result, ops):
    load, memory, neighbours, path, paths = result
    return {
        "tool": tool,
        "load_s": load,
        "bytes_per_edge": memory,
        "neighbours_ordinary_s": best(lambda: neighbours(ops["ordinary"]), 200),
        "neighbours_hub_s": best(lambda: neighbours(ops["hub"]), 5),
        "path_median_s": statistics.median(path),
        "paths3_median_s": statistics.median(paths),
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


def main():
    kg, nodes_csv, edges_csv, binary = sys.argv[1:5]
    only = set(sys.argv[5].split(",")) if len(sys.argv) > 5 else None
    names, edges = read_csv(nodes_csv, edges_csv)
    ops = ops_for(names, edges)
    print(f"{len(names)} entities, {len(edges)} edges; ordinary {ops['ordinary']}, "
          f"hub {ops['hub']}, {len(ops['pairs'])} random pairs", file=sys.stderr)
    ours = json.loads(subprocess.run([binary, kg], input=json.dumps(ops), text=True,
                                     capture_output=True, check=True).stdout)
    results = [ours]
    runs = [("networkx", networkx_run), ("igraph", igraph_run), ("rustworkx", rustworkx_run)]
    for tool, run in runs:
        if only and tool not in only:
            continue
        print(f"{tool}...", file=sys.stderr)
        results.append(finish(tool, run(names, edges, ops), ops))
    if not only or "kuzu" in only:
        print("kuzu...", file=sys.stderr)
        results.append(kuzu_run(names, edges, ops, nodes_csv, edges_csv))
    header = "| tool | " + " | ".join(title for _, title in COLUMNS) + " |"
    print(header)
    print("|" + "---|" * (len(COLUMNS) + 1))
    for r in results:
        print(f"| {r['tool']} | " + " | ".join(show(r[k], k) for k, _ in COLUMNS) + " |")
    print()
    print("Ratios, each peer's figure over Dossier's (above 1: Dossier is better):")
    print(header)
    print("|" + "---|" * (len(COLUMNS) + 1))
    for r in results[1:]:
        print(f"| {r['tool']} | " + " | ".join(f"{r[k] / ours[k]:.1f}x" for k, _ in COLUMNS) + " |")
    best_peer = {k: min(r[k] for r in results[1:]) for k, _ in COLUMNS} if results[1:] else {}
    if best_peer:
        print("| best peer | " + " | ".join(f"{best_peer[k] / ours[k]:.1f}x" for k, _ in COLUMNS) + " |")
    print(json.dumps(results), file=sys.stderr)


if __name__ == "__main__":
    main()
