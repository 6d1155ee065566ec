// The same page in Firefox (Debian's firefox-esr, driven over WebDriver
// BiDi by puppeteer-core from target/npm): `node tests/browser/firefox.cjs
// PAGE SEARCH FIRST`. Opens the page, counts what is drawn, searches with
// `/`, opens the best match's panel, and fails on any request to a network
// or console error. Prints one JSON report.
"use strict";
const puppeteer = require(process.env.PUPPETEER_CORE);
const [file, search] = process.argv.slice(2);
(async () => {
  const browser = await puppeteer.launch({
    browser: "firefox",
    executablePath: "/usr/bin/firefox-esr",
    headless: true,
    extraPrefsFirefox: { "app.update.enabled": false, "browser.shell.checkDefaultBrowser": false },
  });
  const page = await browser.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  const requests = [];
  page.on("request", (r) => { if (!r.url().startsWith("file://")) requests.push(r.url()); });
  await page.goto("file://" + file);
  await page.waitForSelector("body[data-ready=true]");
  const report = { nodes: await page.$$eval("#nodes .node", (es) => es.length) };
  report.edges = await page.$$eval("#edges .edge", (es) => es.length);
  await page.keyboard.press("/");
  await page.keyboard.type(search);
  report.first = await page.$eval("#suggestions li", (e) => e.dataset.entity);
  await page.keyboard.press("Enter");
  report.title = await page.$eval("#panel h2", (e) => e.textContent);
  report.quotes = await page.$$eval("#panel blockquote", (es) => es.length);
  await page.click("#tab-sources");
  report.marks = await page.$$eval(".document mark", (es) => es.length);
  report.errors = errors;
  report.requests = requests;
  console.log(JSON.stringify(report));
  await browser.close();
})().catch((e) => { console.error(e); process.exit(2); });
