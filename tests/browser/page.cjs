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
    page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
    // A dialog can only come from script the page did not mean to run.
    page.on("dialog", async (d) => { errors.push(`dialog: ${d.message()}`); await d.dismiss(); });
    const shots = process.env.SCREENSHOTS;
    let shot = 0;
    const snap = async (what) => {
      if (shots) await page.screenshot({ path: `${shots}/${check.name}-${String(++shot).padStart(2, "0")}-${what}.png` });
    };
    const t0 = Date.now();
    await page.goto("file://" + check.file);
    await page.waitForSelector("body[data-ready=true]", { timeout: 20000 });
    const ready = Date.now() - t0;
    await snap("opened");
    const count = (sel) => page.locator(sel).count();
    const report = { file: check.file, ready_ms: ready, interactive_ms: Number(await page.locator("body").getAttribute("data-interactive")) };
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
        await snap("search");
        await page.keyboard.press("Enter");
        await snap("panel");
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
        const [days, first] = await page.evaluate(() => {
          const s = document.getElementById("as-of");
          return [Number(s.max) + 1, s.dataset.first];
        });
        report.days = days;
        report.first_day = first;
        const index = Math.round((Date.parse(step.as_of) - Date.parse(first)) / 86400000);
        await page.locator("#as-of").fill(String(index));
        const shown = await page.locator("#as-of-date").textContent();
        expect(tag, shown === step.as_of, `slider shows ${shown}`);
        const n = await count("#edges .edge");
        expect(tag, n === step.edges, `${n} statements drawn as of ${shown}`);
        if (step.gone) {
          const left = await count(`#edges .edge[data-relation="${step.gone}"]`);
          expect(tag, left === 0, `${left} ${step.gone} statements still drawn`);
        }
        await snap("as-of");
        await page.locator("#all-dates").check();
      }
      if (step.click_relation) {
        await page.locator(`#edges .edge[data-relation="${step.click_relation}"]`).first().dispatchEvent("click");
        await snap("edge");
        const text = await page.locator("#panel").textContent();
        for (const want of step.find) expect(tag, text.includes(want), `edge panel has no ${want}: ${text.slice(0, 300)}`);
      }
      if (step.sources) {
        await page.locator("#tab-sources").click();
        await snap("sources");
        const doc = `.document[data-file="${step.sources}"]`;
        const marks = await count(`${doc} mark`);
        report.marks = marks;
        expect(tag, marks === step.marks, `${marks} highlighted quotes, not ${step.marks}`);
        const mark = page.locator(`${doc} mark`).nth(step.mark || 0);
        const quote = await mark.textContent();
        await mark.click();
        const panel = await page.locator("#panel").textContent();
        expect(tag, panel.includes(quote), "the marked quote's statement is not in the panel");
        const cited = await count(`${doc} > span.cited`);
        expect(tag, cited > 0, "no cited sentence is set apart");
        await page.locator("#tab-graph").click();
      }
      if (step.expand) {
        const before = await count("#nodes .node");
        await page.locator("#panel button.expand").click();
        const after = await count("#nodes .node");
        expect(tag, step.grows ? after > before : after >= before, `expand: ${before} then ${after}`);
        report.expanded = after;
        await snap("expanded");
        if (step.neighbours) {
          const [rel, who] = [step.via, step.of];
          const drawn = await page.locator(`#edges .edge[data-relation="${rel}"]`).evaluateAll(
            (es, who) => es.map((e) => e.dataset.from === who ? e.dataset.to : e.dataset.from === who || e.dataset.to === who ? e.dataset.from : null).filter(Boolean), who);
          const got = [...new Set(drawn)].sort();
          expect(tag, JSON.stringify(got) === JSON.stringify(step.neighbours), `${who}'s ${rel} drawn: ${got}`);
        }
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
