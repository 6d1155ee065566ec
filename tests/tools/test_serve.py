"""`dossier serve`: its API against the command line's answers, its
limits, and the live page in headless Chromium (a query from the page's
box; an edit on disk followed; a broken edit shown while the old graph
stays). Run by tests/run.sh after `cargo test`."""

import json
import os
import re
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from common import DOSSIER, ROOT, dossier
from test_page import PLAYWRIGHT

GRAPH = """\
A: state "Alpha"
B: state "Beta"
C: body "Gamma"
A member_of C {since: 2001-01-01}
B member_of C
A borders B
"""


class Server:
    def __init__(self, *args):
        self.proc = subprocess.Popen(
            [DOSSIER, "serve", *args, "--port", "0"],
            cwd=ROOT,
            stderr=subprocess.PIPE,
            text=True,
        )
        line = self.proc.stderr.readline()
        match = re.search(r"on (http://[^ ]+/)", line)
        assert match, line
        self.url = match.group(1)

    def request(self, path, body=None, method=None, headers=None):
        req = urllib.request.Request(self.url + path.lstrip("/"), data=body, method=method, headers=headers or {})
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                return r.status, r.read().decode(), dict(r.headers)
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode(), dict(e.headers)

    def query(self, text):
        return self.request("/api/query", body=text.encode(), method="POST")

    def close(self):
        self.proc.kill()
        self.proc.wait()


def test_the_api_answers_as_the_command_line_does(tmp_path):
    graph = tmp_path / "g.kg"
    graph.write_text(GRAPH)
    server = Server(str(graph))
    try:
        status, page, _ = server.request("/")
        assert status == 200 and 'data-live="true"' in page
        status, body, headers = server.request("/api/graph")
        assert status == 200
        assert json.loads(body) == json.loads(dossier("export", str(graph), "--to", "json"))
        # Unchanged: 304 for the ETag it gave.
        status, _, _ = server.request("/api/graph", headers={"If-None-Match": headers["ETag"]})
        assert status == 304
        for q in ["neighbours A", "?s member_of ?b {since: ?d}", "why path A C", "count ?x: state", "show B"]:
            status, body, _ = server.query(q)
            assert status == 200, body
            want = dossier(str(graph), "--json", "-c", q)
            assert json.loads(body) == json.loads(want), q
        status, body, _ = server.query("neighbours Alpah")
        assert status == 400 and "no entity is named" in json.loads(body)["error"]
        status, body, _ = server.query("x" * (1024 * 1024 + 1))
        assert status == 413
        for path in ["/nope", "/../Cargo.toml", "/api/graph/x", "/api", "/data/koreas.kg"]:
            assert server.request(path)[0] == 404, path
        assert server.request("/api/query")[0] == 404, "GET of the query"
        assert server.request("/", body=b"x", method="POST")[0] == 404
    finally:
        server.close()


def test_a_query_cut_by_the_time_limit_says_so(tmp_path):
    lines = [f"N{i}: state" for i in range(300)]
    lines += [f"N{i} r N{j}" for i in range(300) for j in range(i + 1, min(i + 12, 300))]
    graph = tmp_path / "dense.kg"
    graph.write_text("\n".join(lines) + "\n")
    server = Server(str(graph), "--time-limit", "50")
    try:
        status, body, _ = server.query("paths N0 N299 max 40 limit 100000000")
        assert status == 200, body
        answer = json.loads(body)
        assert answer["truncated"] is True
    finally:
        server.close()


def test_the_live_page_runs_queries_and_follows_the_files(tmp_path):
    graph = tmp_path / "g.kg"
    graph.write_text(GRAPH)
    server = Server(str(graph))
    script = tmp_path / "live.cjs"
    script.write_text(LIVE)
    try:
        out = subprocess.run(
            ["node", str(script), server.url, str(graph)],
            capture_output=True,
            text=True,
            env={
                **os.environ,
                "PLAYWRIGHT_CORE": str(PLAYWRIGHT),
                "SCREENSHOTS": str(ROOT / "target" / "screenshots"),
            },
            timeout=120,
        )
        assert out.returncode == 0, out.stdout + out.stderr
        report = json.loads(out.stdout.strip().splitlines()[-1])
        assert report["hits"] == ["A", "C"], report
        assert report["drawn"] == 2 and report["everything"] == 3, report
        assert report["after_edit"] == 4 and report["before"] == 3, report
        assert "is declared as" in report["diagnostics"], report
        assert report["kept"] == 4, report
    finally:
        server.close()


# Driven in Chromium: the query box, an edit on disk, a broken edit.
LIVE = r"""
"use strict";
const { chromium } = require(process.env.PLAYWRIGHT_CORE);
const fs = require("fs");
const [url, file] = process.argv.slice(2);
(async () => {
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"] });
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  const shot = (n) => page.screenshot({ path: `${process.env.SCREENSHOTS}/serve-${n}.png` });
  await page.goto(url);
  await page.waitForSelector("body[data-ready=true]");
  const report = {};
  report.before = await page.locator("#nodes .node").count();
  await page.fill("#query-text", "path A C");
  await page.press("#query-text", "Enter");
  await page.waitForSelector("#panel pre.answer");
  report.hits = (await page.locator("#nodes .node.hit").evaluateAll((es) => es.map((e) => e.dataset.entity))).sort();
  report.drawn = await page.locator("#nodes .node").count();
  await page.click("#panel button.expand");
  report.everything = await page.locator("#nodes .node").count();
  await shot("1-query");
  // An edit on disk: the page follows.
  fs.appendFileSync(file, 'D: person "Delta"\nD member_of C\n');
  await page.waitForFunction(() => document.querySelectorAll("#nodes .node").length === 4, null, { timeout: 20000 });
  await page.waitForSelector("body[data-ready=true]");
  report.after_edit = await page.locator("#nodes .node").count();
  await shot("2-edited");
  // A broken edit: the diagnostics show, the graph stays.
  fs.appendFileSync(file, "D: body\n");
  await page.waitForSelector("#diagnostics:not([hidden])", { timeout: 20000 });
  report.diagnostics = await page.locator("#diagnostics").textContent();
  report.kept = await page.locator("#nodes .node").count();
  await shot("3-broken");
  report.errors = errors;
  console.log(JSON.stringify(report));
  await browser.close();
  process.exit(errors.length ? 1 : 0);
})().catch((e) => { console.error(e); process.exit(2); });
"""
