"""How long `dossier lsp` takes from an edit to its diagnostics, on a
generated relation file of 100,000 lines (the issue's target: 200 ms).

    cargo build --release --example gen && cargo build --release
    python3 benches/lsp/edit.py [LINES]

It opens the file, then makes edits as a person typing would: a character
that breaks a line (a diagnostic appears), the same character taken away
(it goes), and a new statement at the end; each timed from the change sent
to the diagnostics published for it. The medians and worst are printed."""

import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOSSIER = ROOT / "target" / "release" / "dossier"


class Server:
    def __init__(self, folder):
        self.p = subprocess.Popen([DOSSIER, "lsp"], cwd=folder, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.id = 0

    def send(self, message):
        body = json.dumps(message).encode()
        self.p.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.p.stdin.flush()

    def read(self):
        length = None
        while True:
            line = self.p.stdout.readline().strip()
            if not line:
                break
            if line.startswith(b"Content-Length:"):
                length = int(line.split()[1])
        return json.loads(self.p.stdout.read(length))

    def request(self, method, params):
        self.id += 1
        self.send({"jsonrpc": "2.0", "id": self.id, "method": method, "params": params})
        while True:
            m = self.read()
            if m.get("id") == self.id:
                return m

    def notify(self, method, params):
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def diagnostics(self, uri):
        while True:
            m = self.read()
            if m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri:
                return m["params"]["diagnostics"]


def main(lines):
    folder = Path(tempfile.mkdtemp())
    path = folder / "big.kg"
    text = subprocess.run(
        ["cargo", "run", "-q", "--release", "--example", "gen", "--", "--statements", str(lines), "--seed", "1"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout
    path.write_text(text)
    count = text.count("\n")
    uri = f"file://{path}"
    server = Server(folder)
    server.request("initialize", {"processId": None, "rootUri": f"file://{folder}", "capabilities": {}})
    server.notify("initialized", {})
    began = time.perf_counter()
    server.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "dossier", "version": 1, "text": text}})
    first = server.diagnostics(uri)
    opened = time.perf_counter() - began
    print(f"{count} lines, {len(text) / 1e6:.1f} MB; opened and checked in {opened * 1000:.0f} ms ({len(first)} diagnostics)")
    middle = count // 2
    declared = [l.split(":", 1)[0] for l in text.splitlines() if ": " in l and not l.startswith(("#", "relation", "with"))][:2]
    timings = {"break a line": [], "mend it": [], "add a statement": []}
    version = 1
    for round in range(10):
        for what in timings:
            version += 1
            if what == "break a line":
                change = {"range": {"start": {"line": middle, "character": 0}, "end": {"line": middle, "character": 0}}, "text": "{"}
            elif what == "mend it":
                change = {"range": {"start": {"line": middle, "character": 0}, "end": {"line": middle, "character": 1}}, "text": ""}
            else:
                change = {"range": {"start": {"line": count, "character": 0}, "end": {"line": count, "character": 0}}, "text": f"{declared[0]} r{round} {declared[1]}\n"}
                count += 1
            began = time.perf_counter()
            server.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]})
            got = server.diagnostics(uri)
            timings[what].append(time.perf_counter() - began)
            errors = [d for d in got if d["severity"] == 1]
            assert (len(errors) > 0) == (what == "break a line"), (what, got[:1])
    for what, list_ in timings.items():
        print(f"{what}: median {statistics.median(list_) * 1000:.0f} ms, worst {max(list_) * 1000:.0f} ms")
    server.request("shutdown", None)
    server.notify("exit", None)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
