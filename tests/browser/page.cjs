// Drives Dossier's HTML page in headless Chromium (playwright-core, from
// target/npm): `node tests/browser/page.cjs CHECKS.json`. Each check names a
// page and what to do on it; the script prints one JSON report a check
// and exits 1 when any assertion fails.
"use strict";
const { chromium } = require(process.env.PLAYWRIGHT_CORE);
const checks = JSON.parse(require("fs").readFileSync(process.argv[2], "utf8"));

const failures = [];
const expect = (what, ok, detail) => { if (!ok) failures.push(`${what}: ${detail}`); };

(async () => {
  // As root on a closed network: no sandbox, no background requests.
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const reports = [];
  for (const check of checks) {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const requests = [];
    page.on("request", (r) => { if (!r.url().startsWith("file://")) requests.push(r.url()); });
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    const t0 = Date.now();
    await page.goto("file://" + check.file);
    await page.waitForSelector("body[data-ready=true]", { timeout: 20000 });
    const ready = Date.now() - t0;
    const count = (sel) => page.locator(sel).count();
    const report = { file: check.file, ready_ms: ready };
    report.nodes = await count("#nodes .node");
    report.edges = await count("#edges .edge");
    report.contested = await count("#edges .edge.contested");
    report.kinds = await count("#kinds input");
    for (const step of check.steps || []) {
      const tag = `${check.name}: ${JSON.stringify(step)}`;
      if (step.search) {
        await page.keyboard.press("/");
        expect(tag, await page.evaluate(() => document.activeElement.id) === "search", "/ does not focus the search");
        await page.keyboard.type(step.search);
        const first = await page.locator("#suggestions li").first().getAttribute("data-entity");
        expect(tag, first === step.first, `first suggestion ${first}`);
        await page.keyboard.press("Enter");
        const title = await page.locator("#panel h2").first().textContent();
        expect(tag, title === step.title, `panel title ${title}`);
        if (step.quote) {
          const text = await page.locator("#panel").textContent();
          expect(tag, text.includes(step.quote), "the quote is not in the panel");
          const marked = await page.locator("#panel .passage mark").allTextContents();
          expect(tag, marked.includes(step.quote), `passages mark ${JSON.stringify(marked)}`);
        }
      }
      if (step.escape) {
        await page.keyboard.press("/");
        await page.keyboard.type("zz");
        await page.keyboard.press("Escape");
        const value = await page.locator("#search").inputValue();
        const items = await count("#suggestions li");
        expect(tag, value === "" && items === 0, `after Esc: ${JSON.stringify(value)}, ${items} suggestions`);
      }
      if (step.uncheck_kind) {
        await page.locator(`#kinds input[data-value="${step.uncheck_kind}"]`).uncheck();
        const n = await count("#nodes .node");
        expect(tag, n === step.nodes, `${n} nodes`);
        await page.locator(`#kinds input[data-value="${step.uncheck_kind}"]`).check();
      }
      if (step.as_of) {
        await page.locator("#all-dates").uncheck();
        const days = await page.evaluate((d) => {
          const s = document.getElementById("as-of");
          return Number(s.max) + 1;
        });
        report.days = days;
        await page.locator("#as-of").fill(String(step.as_of_index));
        const shown = await page.locator("#as-of-date").textContent();
        expect(tag, shown === step.as_of, `slider shows ${shown}`);
        const n = await count("#edges .edge");
        expect(tag, n === step.edges, `${n} statements drawn as of ${shown}`);
        await page.locator("#all-dates").check();
      }
      if (step.click_edge) {
        await page.locator(`#edges .edge`).nth(step.click_edge_index || 0).dispatchEvent("click");
        const text = await page.locator("#panel").textContent();
        expect(tag, text.includes(step.click_edge), `edge panel: ${text.slice(0, 200)}`);
      }
      if (step.sources) {
        await page.locator("#tab-sources").click();
        const marks = await count(".document mark");
        report.marks = marks;
        expect(tag, marks >= step.sources, `${marks} marks`);
        const mark = page.locator(".document mark").nth(step.mark || 0);
        const quote = await mark.textContent();
        await mark.click();
        const panel = await page.locator("#panel").textContent();
        expect(tag, panel.includes(quote), "the marked quote's statement is not in the panel");
        const light = await count(".document > span.cited");
        expect(tag, light > 0, "no cited sentence is set apart");
        await page.locator("#tab-graph").click();
      }
      if (step.expand) {
        const before = await count("#nodes .node");
        await page.locator("#panel button.expand").click();
        const after = await count("#nodes .node");
        expect(tag, after > before, `expand: ${before} then ${after}`);
        report.expanded = after;
      }
    }
    expect(check.name, requests.length === 0, `network requests: ${requests.join(", ")}`);
    expect(check.name, errors.length === 0, `page errors: ${errors.join("; ")}`);
    reports.push(report);
    await page.close();
  }
  await browser.close();
  console.log(JSON.stringify({ reports, failures }));
  process.exit(failures.length ? 1 : 0);
})().catch((e) => { console.error(e); process.exit(2); });
