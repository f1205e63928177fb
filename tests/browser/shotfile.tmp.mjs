import { chromium } from '/work/main/tests/browser/packages.mjs';
const [file, width, out] = process.argv.slice(2);
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const p = await b.newPage({ viewport: { width: Number(width), height: 800 } });
await p.goto('file://' + file);
await p.screenshot({ path: out });
await b.close();
