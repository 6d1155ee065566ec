"""A load test of `dossier serve` on localhost (a bounded benchmark, not a
test): 1,000 queries from 50 concurrent clients, each answer compared with
the command line's answer to the same query, then throughput and latency
percentiles. `python3 benches/serve/load.py [DOSSIER] [FILE...]` (standard
library only; default: target/release/dossier on data/world.kg)."""

import json
import re
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOSSIER = sys.argv[1] if len(sys.argv) > 1 else str(ROOT / "target" / "release" / "dossier")
FILES = sys.argv[2:] or ["data/world.kg"]
CLIENTS, EACH = 50, 20


def main():
    names = json.loads(subprocess.run([DOSSIER, *FILES, "--json", "-c", "?x: state"], cwd=ROOT, capture_output=True, text=True, check=True).stdout)
    states = [row[0] for row in names["rows"]][:CLIENTS]
    queries = [f"neighbours {s}" for s in states] + [f"path {a} {b}" for a, b in zip(states, reversed(states))]
    args = [a for q in queries for a in ("-c", q)]
    want = subprocess.run([DOSSIER, *FILES, "--json", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout.splitlines()
    expected = dict(zip(queries, (json.loads(w) for w in want)))
    server = subprocess.Popen([DOSSIER, "serve", *FILES, "--port", "0"], cwd=ROOT, stderr=subprocess.PIPE, text=True)
    url = re.search(r"on (http://[^ ]+/)", server.stderr.readline()).group(1) + "api/query"
    latencies, wrong, lost = [], [], []
    lock = threading.Lock()

    def client(k):
        for i in range(EACH):
            q = queries[(k * EACH + i) % len(queries)]
            t = time.perf_counter()
            try:
                with urllib.request.urlopen(urllib.request.Request(url, data=q.encode(), method="POST"), timeout=60) as r:
                    answer = json.loads(r.read())
            except Exception as e:  # noqa: BLE001 - every failure counts as lost
                with lock:
                    lost.append((q, repr(e)))
                continue
            dt = time.perf_counter() - t
            with lock:
                latencies.append(dt)
                if answer != expected[q]:
                    wrong.append(q)

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(k,)) for k in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    server.kill()
    latencies.sort()
    pct = lambda p: latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))] * 1000
    print(f"{len(latencies)} answered, {len(lost)} lost, {len(wrong)} wrong, of {CLIENTS * EACH} from {CLIENTS} clients")
    print(f"{len(latencies) / elapsed:.0f} queries a second; latency median {pct(50):.1f} ms, 90th {pct(90):.1f} ms, 99th {pct(99):.1f} ms, slowest {latencies[-1] * 1000:.1f} ms")
    sys.exit(1 if lost or wrong else 0)


main()
