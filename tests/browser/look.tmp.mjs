// scratch: screenshots of editor pages
import { chromium } from './packages.mjs';
import { startPreview } from './preview.mjs';
const [portal, site, width, ...paths] = process.argv.slice(2);
const { base, server } = await startPreview(portal, site);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const page = await browser.newPage({ viewport: { width: Number(width), height: 900 } });
page.on('pageerror', (e) => console.log('PAGEERROR', e.message));
let i = 0;
for (const p of paths) {
  await page.goto(base + p);
  await page.waitForTimeout(1500);
  if (process.env.ACT) await eval(process.env.ACT);
  await page.screenshot({ path: `/tmp/shots/${i++}-${width}.png`, fullPage: !process.env.TOP });
}
await browser.close(); server.kill();
