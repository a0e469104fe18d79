// Opens the HTML report in headless Chromium (Debian's /usr/bin/chromium,
// driven by playwright-core over the DevTools protocol) and checks it:
// every chart's <svg> renders with a non-zero box, no console errors, no page
// errors, no request other than the file itself, no <script> element.
// Prints one JSON object; tests/report.rs judges it.
//
// usage: node check.mjs REPORT.html SCREENSHOT.png [TEXT-THAT-MUST-APPEAR ...]
import { chromium } from 'playwright-core';
import { pathToFileURL } from 'node:url';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [html, shot, ...mustAppear] = process.argv.slice(2);
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
const profile = mkdtempSync(join(tmpdir(), 'warmshell-chromium-'));
const result = { consoleErrors: [], pageErrors: [], requests: [], blocked: [], svgs: [], scripts: 0, missingText: [] };
// A throwaway profile, so nothing of the machine's browser state is read or kept.
const context = await chromium.launchPersistentContext(profile, {
  executablePath,
  headless: true,
  viewport: { width: 1280, height: 900 },
  args: [
    '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
  ],
});
try {
  const page = await context.newPage();
  const url = pathToFileURL(html).href;
  page.on('console', (m) => { if (m.type() === 'error') result.consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => result.pageErrors.push(String(e)));
  page.on('request', (r) => { if (r.url() !== url) result.requests.push(r.url()); });
  // Anything but the page itself is aborted, so a stray fetch cannot leave the machine.
  await page.route('**', (route) => {
    if (route.request().url() === url) return route.continue();
    result.blocked.push(route.request().url());
    return route.abort();
  });
  await page.goto(url, { waitUntil: 'load' });
  result.title = await page.title();
  result.svgs = await page.$$eval('figure svg', (els) => els.map((e) => {
    const b = e.getBoundingClientRect();
    return { id: e.closest('figure')?.id ?? '', width: b.width, height: b.height, elements: e.querySelectorAll('*').length };
  }));
  result.scripts = await page.$$eval('script', (els) => els.length);
  const text = await page.evaluate(() => document.body.innerText);
  result.missingText = mustAppear.filter((t) => !text.includes(t));
  if (shot) await page.screenshot({ path: shot, fullPage: true });
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
console.log(JSON.stringify(result));
