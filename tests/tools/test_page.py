"""The HTML page (`dossier export --to html`) in headless Chromium, driven
by playwright-core (tests/browser/page.cjs): the graph drawn, search with
`/` and Esc, the evidence panel, filters by kind, the `as of` slider,
the sources view, a large graph's overview and expansion, and no request
to any network. Run by tests/run.sh after `cargo test`."""

import json
import os
import random
import subprocess
import time
from datetime import date, timedelta
from pathlib import Path

from common import DOSSIER, ROOT, counts, dossier  # noqa: F401
PLAYWRIGHT = ROOT / "target" / "npm" / "node_modules" / "playwright-core"
PUPPETEER = ROOT / "target" / "npm" / "node_modules" / "puppeteer-core"
CONTESTED = ROOT / "tests" / "cases" / "contested" / "graph.kg"




def export(path, *files):
    started = time.monotonic()
    dossier("export", *files, "--to", "html", "-o", str(path))
    return time.monotonic() - started


def page_data(path):
    """The graph the page holds, read back from its inlined JSON."""
    text = Path(path).read_text()
    start = text.index('<script type="application/json" id="data">') + len(
        '<script type="application/json" id="data">'
    )
    end = text.index("</script>", start)
    return json.loads(text[start:end])


SCREENSHOTS = ROOT / "target" / "screenshots"


def drive(checks, tmp_path):
    """Runs the checks in Chromium; a screenshot of each step goes to
    target/screenshots/ for a person to look at."""
    spec = tmp_path / "checks.json"
    spec.write_text(json.dumps(checks))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    out = subprocess.run(
        ["node", str(ROOT / "tests" / "browser" / "page.cjs"), str(spec)],
        capture_output=True,
        text=True,
        env={**os.environ, "PLAYWRIGHT_CORE": str(PLAYWRIGHT), "SCREENSHOTS": str(SCREENSHOTS)},
        timeout=300,
    )
    assert out.stdout, out.stderr
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert out.returncode == 0 and not result["failures"], result["failures"] or out.stderr
    return result["reports"]


def statements_on(day, *files):
    """How many statements hold on `day`, as Dossier's `as of` says: the
    distinct statements under the rows of `why ?s ?r ?o as of DAY`."""
    doc = json.loads(dossier(*files, "--json", "-c", f"why ?s ?r ?o as of {day}"))
    return len({(s["file"], s["line"], s["text"]) for row in doc["sources"] for s in row})


def highlights(document):
    """How many highlights the sources view should show in `document`: the
    anchored quotes of the Web Annotations export, overlapping ones merged."""
    spans = []
    for line in dossier("export", "--to", "annotations").splitlines():
        target = json.loads(line)["target"]
        if target.get("source") != document:
            continue
        for sel in target.get("selector", []):
            if sel["type"] == "TextPositionSelector" and sel["end"] > sel["start"]:
                spans.append((sel["start"], sel["end"]))
    merged = []
    for start, end in sorted(spans, key=lambda s: (s[0], -s[1])):
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return len(merged)


def test_the_bundled_graph_page(tmp_path):
    page = tmp_path / "koreas.html"
    export(page)
    entities, relations, _ = counts()
    data = page_data(page)
    persons = sum(1 for e in data["entities"] if e["kind"] == "person")
    choe = next(e for e in data["entities"] if e["name"] == "Choe_Myong-nam")
    article = data["documents"][0]["file"]
    adopted = next(e for e in data["edges"] if e["relation"] == "adopted")
    before = "2014-11-17"
    [report] = drive(
        [
            {
                "name": "koreas",
                "file": str(page),
                "steps": [
                    {
                        "search": "choe",
                        "first": "Choe_Myong-nam",
                        "title": choe["label"],
                        "quote": "North Korea\u2019s U.N. permanent representative Choe Myong-nam",
                    },
                    {"escape": True},
                    {"click_relation": "adopted", "find": ["in_favour: 111", "against: 19", "abstentions: 55"]},
                    {
                        "as_of": before,
                        "edges": statements_on(before),
                        "gone": "adopted",
                    },
                    {"uncheck_kind": "person", "nodes": entities - persons},
                    {"sources": article, "marks": highlights(article)},
                ],
            }
        ],
        tmp_path,
    )
    assert report["nodes"] == entities
    assert report["edges"] == relations
    assert report["kinds"] == len({e["kind"] for e in data["entities"]})
    assert "2014-11-18" in adopted["statement"]["dates"].values()
    print(f"koreas.kg: interactive in {report['interactive_ms']} ms")


def test_contested_statements_and_the_as_of_slider(tmp_path):
    page = tmp_path / "contested.html"
    export(page, str(CONTESTED))
    data = page_data(page)
    days = sorted({d for e in data["edges"] for d in e["statement"]["dates"].values()})
    # The relation statements `dossier conflicts` says some other contradicts.
    conflicts = json.loads(dossier("conflicts", str(CONTESTED), "--format", "json"))
    disputed = {
        (s["file"], s["line"])
        for c in conflicts["conflicts"]
        for s in c["statements"]
    }
    marked = {
        (e["statement"]["file"], e["statement"]["line"])
        for e in data["edges"]
        if e["statement"]["contested"]
    }
    assert marked == disputed and marked
    steps = [{"as_of": day, "edges": statements_on(day, str(CONTESTED))} for day in days]
    [report] = drive([{"name": "contested", "file": str(page), "steps": steps}], tmp_path)
    assert report["contested"] == len(marked)
    # Every day from the one before the first named to the last.
    first = date.fromisoformat(days[0]) - timedelta(days=1)
    assert report["first_day"] == first.isoformat()
    assert report["days"] == (date.fromisoformat(days[-1]) - first).days + 1


def test_the_world_page_opens_on_an_overview_and_grows_by_click(tmp_path):
    page = tmp_path / "world.html"
    seconds = export(page, "data/world.kg")
    entities, _, _ = counts("data/world.kg")
    doc = json.loads(dossier("data/world.kg", "--json", "-c", "neighbours North_Korea via borders"))
    land_neighbours = sorted(n["entity"] for n in doc["neighbours"])
    assert len(land_neighbours) == 3
    [report] = drive(
        [
            {
                "name": "world",
                "file": str(page),
                "steps": [
                    {"search": "North Korea", "first": "North_Korea", "title": "North Korea"},
                    {
                        "expand": True,
                        "via": "borders",
                        "of": "North_Korea",
                        "neighbours": land_neighbours,
                    },
                ],
            }
        ],
        tmp_path,
    )
    assert report["nodes"] == min(150, entities)
    assert report["expanded"] >= report["nodes"]
    print(f"world.kg: exported in {seconds:.2f} s, interactive in {report['ready_ms']} ms")


def test_a_generated_graph_of_5000_entities(tmp_path):
    rng = random.Random(5)
    lines = ["kind group"]
    for i in range(5000):
        lines.append(f'G{i}: group "Group number {i}"')
    for _ in range(20000):
        a, b = rng.randrange(5000), rng.randrange(5000)
        lines.append(f"G{a} rel{rng.randrange(20)} G{b}")
    graph = tmp_path / "gen.kg"
    graph.write_text("\n".join(lines) + "\n")
    page = tmp_path / "gen.html"
    seconds = export(page, str(graph))
    [report] = drive(
        [
            {
                "name": "generated",
                "file": str(page),
                "steps": [
                    {"search": "group number 4321", "first": "G4321", "title": "Group number 4321"},
                    {"expand": True, "grows": True},
                ],
            }
        ],
        tmp_path,
    )
    assert report["nodes"] == 150
    print(f"5,000 entities: exported in {seconds:.2f} s, interactive in {report['ready_ms']} ms")


def test_the_page_in_firefox(tmp_path):
    page = tmp_path / "koreas.html"
    export(page)
    entities, relations, _ = counts()
    data = page_data(page)
    choe = next(e for e in data["entities"] if e["name"] == "Choe_Myong-nam")
    out = subprocess.run(
        ["node", str(ROOT / "tests" / "browser" / "firefox.cjs"), str(page), "choe"],
        capture_output=True,
        text=True,
        env={**os.environ, "PUPPETEER_CORE": str(PUPPETEER)},
        timeout=180,
    )
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout.strip().splitlines()[-1])
    assert report["errors"] == [] and report["requests"] == [], report
    assert (report["nodes"], report["edges"]) == (entities, relations)
    assert (report["first"], report["title"]) == ("Choe_Myong-nam", choe["label"])
    statements = [e for e in data["edges"] if "Choe_Myong-nam" in (data["entities"][e["from"]]["name"], data["entities"][e["to"]]["name"])]
    assert report["quotes"] == len(choe["facts"]) + len(statements)
    article = data["documents"][0]["file"]
    assert report["marks"] == highlights(article)


def test_a_page_of_what_a_query_touches(tmp_path):
    page = tmp_path / "russia.html"
    dossier("export", "--to", "html", "-o", str(page), "-q", "neighbours Russia")
    data = page_data(page)
    answer = json.loads(dossier("--json", "-c", "neighbours Russia"))
    want = {"Russia"} | {n["entity"] for n in answer["neighbours"]}
    assert {e["name"] for e in data["entities"]} == want
    assert len(data["edges"]) == len(answer["neighbours"])


HOSTILE = r'''
"<img src=x onerror=alert(1)>": state "</script><script>alert(2)</script>"
"say \"hi\"": body "a \"quoted\" label & <b>bold</b>"
"<!--": person "-->"
"two\nlines": group "line one\nline two"
"<img src=x onerror=alert(1)>" knows "say \"hi\"" {note: "</script>", quote: "<iframe src=//example.com>"}
"<!--" r "two\nlines"
'''


def test_hostile_names_and_labels_stay_text(tmp_path):
    graph = tmp_path / "hostile.kg"
    graph.write_text(HOSTILE)
    page = tmp_path / "hostile.html"
    export(page, str(graph))
    entities, relations, _ = counts(str(graph))
    data = page_data(page)
    assert {e["name"] for e in data["entities"]} >= {"<img src=x onerror=alert(1)>", "<!--"}
    # No request (an injected image or frame would make one), no page
    # error, and every entity and statement drawn.
    [report] = drive(
        [
            {
                "name": "hostile",
                "file": str(page),
                "steps": [{"search": "img src", "first": "<img src=x onerror=alert(1)>", "title": "</script><script>alert(2)</script>"}],
            }
        ],
        tmp_path,
    )
    assert (report["nodes"], report["edges"]) == (entities, relations)
