// From a keystroke to the editor's updated preview and diagnostics, in
// headless Chromium: types KEYS characters into a document's text, one at a
// time, and times each from its keydown to the preview page having loaded
// with the diagnostics shown (the editor marks each such update on <html
// data-checks>). Prints the median, 90th percentile and slowest, in ms.
//
// Usage: node measure.mjs EDITOR_URL KEYS
import { chromium } from 'playwright-core';

const [url, keys = '40'] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
await page.goto(url);
await page.waitForFunction(() => Number(document.documentElement.getAttribute('data-checks') || 0) > 0, null, { timeout: 60000 });
await page.evaluate(() => {
  window.__times = [];
  let down = 0;
  document.getElementById('field-body').addEventListener('keydown', () => { down = performance.now(); });
  new MutationObserver(() => { if (down) { window.__times.push(performance.now() - down); down = 0; } })
    .observe(document.documentElement, { attributes: true, attributeFilter: ['data-checks'] });
});
await page.focus('#field-body');
await page.keyboard.press('End');
const text = ' and the partnership agreed the plan';
for (let i = 0; i < Number(keys); i++) {
  const seen = await page.evaluate(() => window.__times.length);
  await page.keyboard.type(text[i % text.length]);
  await page.waitForFunction((n) => window.__times.length > n, seen, { timeout: 60000 });
}
const times = (await page.evaluate(() => window.__times)).sort((a, b) => a - b);
const at = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))];
console.log(`keystrokes ${times.length} median_ms ${at(0.5).toFixed(1)} p90_ms ${at(0.9).toFixed(1)} max_ms ${times[times.length - 1].toFixed(1)}`);
await browser.close();
