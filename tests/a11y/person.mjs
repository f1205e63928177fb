// Every page as a person meets it, in headless Chromium: on a phone 320 CSS
// pixels wide and at 400 % zoom (with WCAG 1.4.12's text spacing too),
// nothing scrolls sideways and no text is cut off; tabbing through each page
// shows every focus, its text readable against it (4.5:1); the 404 page,
// served at a missing nested address as a web server serves it, has its
// stylesheet and links that lead somewhere; printed, every link shows its
// address and nothing is white on white; with forced colours (Windows High
// Contrast) the added and removed text of a comparison still differ. Any
// failure fails the run.
//
// Usage: node person.mjs SITE_DIR... [--local] [--screenshots OUT_DIR]
import { mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { chromium } from 'playwright-core';
import { serve, filesEnding } from './serve.mjs';

const args = process.argv.slice(2);
// --local: the pages are served by the preview alone (the editor), so a printed
// link shows the address as written, not a full one.
const localAt = args.indexOf('--local');
const local = localAt >= 0 ? args.splice(localAt, 1).length > 0 : false;
const shotsAt = args.indexOf('--screenshots');
const screenshots = shotsAt >= 0 ? args.splice(shotsAt, 2)[1] : null;
const sites = args;
if (sites.length === 0) {
  console.error('usage: node person.mjs SITE_DIR... [--local] [--screenshots OUT_DIR]');
  process.exit(2);
}

let failures = 0;
function fail(site, page, what) {
  failures++;
  console.error(`person: ${site}: ${page}: ${what}`);
}

// WCAG 1.4.12: what a reader's own style sheet may set.
const TEXT_SPACING = `* { line-height: 1.5 !important; letter-spacing: 0.12em !important; word-spacing: 0.16em !important; }
p { margin-bottom: 2em !important; }`;

// In the page: the contrast of two CSS colours, and the colour behind an element.
const COLOUR_HELPERS = `
window.__parse = (c) => { const m = c.match(/rgba?\\(([^)]+)\\)/); if (!m) return null;
  const p = m[1].split(',').map(Number); return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 }; };
window.__lum = (c) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
  return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b); };
window.__contrast = (a, b) => { const x = __lum(a), y = __lum(b); return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05); };
window.__behind = (el) => { for (let e = el; e; e = e.parentElement) { const c = __parse(getComputedStyle(e).backgroundColor);
  if (c && c.a > 0) return c; } return { r: 255, g: 255, b: 255, a: 1 }; };
window.__texts = () => [...document.querySelectorAll('body *')].filter((e) => {
  if (!e.checkVisibility || !e.checkVisibility()) return false;
  return [...e.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim() !== ''); });
`;

async function reflow(browser, site, base, pages, label, viewport, scale, spacing) {
  const context = await browser.newContext({ viewport, deviceScaleFactor: scale });
  const page = await context.newPage();
  for (const file of pages) {
    const path = relative(site, file).split('\\').join('/');
    await page.goto(base + path, { waitUntil: 'load' });
    if (spacing) await page.addStyleTag({ content: TEXT_SPACING });
    const found = await page.evaluate(() => {
      const width = document.documentElement.clientWidth;
      const problems = [];
      if (document.documentElement.scrollWidth > width)
        problems.push(`the page is ${document.documentElement.scrollWidth} px wide in a view of ${width}: it scrolls sideways`);
      // Text cut off: an element that hides what overflows it, and overflows.
      for (const e of document.querySelectorAll('body *')) {
        const s = getComputedStyle(e);
        if (!['hidden', 'clip'].includes(s.overflowX) && !['hidden', 'clip'].includes(s.overflowY)) continue;
        if (e.closest('.visually-hidden, .skip-link') || e.textContent.trim() === '') continue;
        if (e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 1)
          problems.push(`text is cut off in <${e.tagName.toLowerCase()} class="${e.className}">`);
      }
      return problems;
    });
    for (const f of found) fail(site, path, `${label}: ${f}`);
  }
  await context.close();
}

async function focusJourney(browser, site, base, pages) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  for (const file of pages) {
    const path = relative(site, file).split('\\').join('/');
    await page.goto(base + path, { waitUntil: 'load' });
    await page.addScriptTag({ content: COLOUR_HELPERS });
    // How each focusable element looks before it has focus.
    await page.evaluate(() => {
      window.__resting = new Map();
      const look = (e) => { const s = getComputedStyle(e);
        return [s.outlineStyle, s.outlineWidth, s.outlineColor, s.boxShadow, s.backgroundColor, s.color, s.textDecorationLine].join('|'); };
      window.__look = look;
      for (const e of document.querySelectorAll('a[href], button, input, select, textarea, summary, [tabindex]'))
        window.__resting.set(e, look(e));
    });
    const seen = new Set();
    let steps = 0;
    for (; steps < 400; steps++) {
      await page.keyboard.press('Tab');
      const result = await page.evaluate(() => {
        let e = document.activeElement;
        // Focus inside a frame of the same origin (the editor's preview) is shown by that frame's page.
        while (e && e.tagName === 'IFRAME' && e.contentDocument && e.contentDocument.activeElement &&
               e.contentDocument.activeElement !== e.contentDocument.body) e = e.contentDocument.activeElement;
        if (!e || e === document.body) return null;
        const s = getComputedStyle(e);
        const text = (e.innerText || e.value || '').trim();
        const name = `<${e.tagName.toLowerCase()}${e.id ? ' id="' + e.id + '"' : ''}${e.className ? ' class="' + e.className + '"' : ''}> "${text.slice(0, 40)}"`;
        const changed = window.__resting.has(e) ? window.__resting.get(e) !== window.__look(e) : true;
        let contrast = null, indicator = null;
        if (text !== '' && e.tagName !== 'DIV') {
          contrast = __contrast(__parse(s.color), __behind(e));
        } else {
          // An element without text of its own (a scrolling region): its outline or shadow must stand out.
          const around = __behind(e.parentElement || e);
          const colours = [s.outlineStyle !== 'none' ? __parse(s.outlineColor) : null,
                           ...(s.boxShadow.match(/rgba?\([^)]+\)/g) || []).map(__parse)].filter(Boolean);
          indicator = Math.max(0, ...colours.map((c) => __contrast(c, around)));
        }
        return { key: name + '@' + Math.round(e.getBoundingClientRect().top + window.scrollY), name, changed, contrast, indicator };
      });
      if (!result) break;
      if (seen.has(result.key)) break;  // round again
      seen.add(result.key);
      if (!result.changed) fail(site, path, `focus on ${result.name} changes nothing that can be seen`);
      if (result.contrast !== null && result.contrast < 4.5)
        fail(site, path, `focus on ${result.name}: its text contrasts ${result.contrast.toFixed(2)}:1 with the focus colour (4.5:1 needed)`);
      if (result.indicator !== null && result.indicator < 3)
        fail(site, path, `focus on ${result.name}: its focus indicator contrasts ${result.indicator.toFixed(2)}:1 (3:1 needed)`);
    }
    if (seen.size === 0) fail(site, path, 'the keyboard reaches nothing on the page');
  }
  await context.close();
}

async function notFound(browser, site, server) {
  const page = await browser.newPage();
  const missing = server.base + 'meetings/x/papers/y/';
  const response = await page.goto(missing, { waitUntil: 'load' });
  if (!response || response.status() !== 404) fail(site, 'meetings/x/papers/y/', 'a missing address is not answered with the 404 page');
  const styled = await page.evaluate(() => [...document.styleSheets].some((s) => { try { return s.cssRules.length > 0; } catch { return false; } }));
  if (!styled) fail(site, '404.html', 'served at a missing nested address, it loads no stylesheet');
  const robots = await page.evaluate(() => document.querySelector('meta[name="robots"]')?.content ?? '');
  if (!robots.includes('noindex')) fail(site, '404.html', 'it does not say noindex');
  const links = await page.evaluate(() => [...document.querySelectorAll('a[href], link[href]')]
    .filter((a) => !a.getAttribute('href').startsWith('#')).map((a) => a.href).filter((h) => h.startsWith(location.origin)));
  for (const link of links) {
    const r = await page.request.get(link.split('#')[0]);
    if (r.status() !== 200) fail(site, '404.html', `served at a missing nested address, its link ${link} leads to ${r.status()}`);
  }
  await page.close();
}

async function printed(browser, site, base, pages) {
  const page = await browser.newPage();
  await page.emulateMedia({ media: 'print' });
  for (const file of pages) {
    const path = relative(site, file).split('\\').join('/');
    await page.goto(base + path, { waitUntil: 'load' });
    await page.addScriptTag({ content: COLOUR_HELPERS });
    const found = await page.evaluate((local) => {
      const problems = [];
      for (const a of document.querySelectorAll('a[href]')) {
        if (!a.checkVisibility() || a.getAttribute('href').startsWith('#') || a.href.startsWith('mailto:')) continue;
        const after = getComputedStyle(a, '::after').content;
        if (local ? !after.includes(a.getAttribute('href')) : !/https?:\/\//.test(after)) problems.push(`the link "${a.textContent.trim().slice(0, 40)}" prints without its address`);
      }
      // Paper is white and backgrounds are not printed: text must be dark on white.
      const white = { r: 255, g: 255, b: 255 };
      for (const e of __texts()) {
        const c = __parse(getComputedStyle(e).color);
        if (c && __contrast(c, white) < 4.5)
          problems.push(`"${e.textContent.trim().slice(0, 40)}" prints at ${__contrast(c, white).toFixed(2)}:1 on white paper`);
      }
      return problems;
    }, local);
    for (const f of found) fail(site, path, `printed: ${f}`);
  }
  await page.close();
}

async function forcedColours(browser, site, base, pages) {
  const page = await browser.newPage();
  await page.emulateMedia({ forcedColors: 'active' });
  let compared = 0;
  for (const file of pages.filter((f) => f.endsWith('/changes/index.html'))) {
    const path = relative(site, file).split('\\').join('/');
    await page.goto(base + path, { waitUntil: 'load' });
    const found = await page.evaluate(() => {
      // What, other than colour, marks a piece of text: its own decoration,
      // and the borders and visible labels of the blocks it sits in.
      const marker = (e) => {
        const parts = [];
        for (let x = e; x && x.tagName !== 'MAIN'; x = x.parentElement) {
          const s = getComputedStyle(x);
          const label = [...x.children].find((c) => c.classList.contains('change-label') && c.checkVisibility());
          const marks = [x === e && s.textDecorationLine !== 'none' ? s.textDecorationLine : '',
                         s.borderLeftStyle !== 'none' ? s.borderLeftStyle + ' ' + s.borderLeftWidth : '',
                         label ? label.textContent.trim() : ''].filter(Boolean);
          if (marks.length) parts.push(marks.join(' '));
        }
        return parts.join(' / ');
      };
      const plain = [...document.querySelectorAll('main p')].find((p) => !p.closest('.text-diff, ins, del'));
      const added = [...document.querySelectorAll('ins')], removed = [...document.querySelectorAll('del')];
      const problems = [];
      for (const a of added)
        if (plain && marker(a) === marker(plain))
          problems.push(`added "${a.textContent.trim().slice(0, 30)}" looks like the text around it`);
      for (const a of added) for (const r of removed) {
        if (a.contains(r) || r.contains(a)) continue;
        if (marker(a) === marker(r))
          problems.push(`added "${a.textContent.trim().slice(0, 30)}" and removed "${r.textContent.trim().slice(0, 30)}" differ only in colour`);
      }
      // A word struck through inside an added paragraph is not a removed paragraph.
      for (const r of removed) for (const r2 of removed) {
        if (r === r2 || !r.closest('ins') === !r2.closest('ins')) continue;
        if (marker(r) === marker(r2))
          problems.push(`"${r.textContent.trim().slice(0, 30)}", struck through in added text, looks like removed "${r2.textContent.trim().slice(0, 30)}"`);
      }
      return { problems: [...new Set(problems)].slice(0, 20), pairs: added.length * removed.length };
    });
    compared += found.pairs;
    for (const f of found.problems) fail(site, path, `forced colours: ${f}`);
  }
  return compared;
}

async function takeScreenshots(browser, site, base, out) {
  mkdirSync(out, { recursive: true });
  const wanted = ['', 'agreements/2020-04/', 'agreements/2020-04/changes/', 'meetings/2020-03-18/',
                  'meetings/2020-03-18/b1-csa-update/', 'priorities/domestic-abuse/', 'bulletins/2024-06/email.html'];
  const context = await browser.newContext({ viewport: { width: 320, height: 900 } });
  const page = await context.newPage();
  for (const path of wanted) {
    const response = await page.goto(base + path);
    if (!response || !response.ok()) continue;
    const name = (path.replace(/\/$/, '').replace(/\.html$/, '').split('/').join('_') || 'home') + '-320.png';
    await page.screenshot({ path: join(out, name), fullPage: true });
  }
  await context.close();
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
         '--disable-component-update', '--disable-sync'],
});
try {
  for (const site of sites) {
    const server = await serve(site);
    const pages = filesEnding(site, '.html');
    // The e-mail copies are read in mail programs, not printed or tabbed through as pages; they must still fit a phone.
    const webPages = pages.filter((f) => !f.endsWith('/email.html'));
    const before = failures;
    await reflow(browser, site, server.base, pages, 'at 320 px', { width: 320, height: 640 }, 1, false);
    await reflow(browser, site, server.base, pages, 'at 1280 px and 400 % zoom', { width: 320, height: 256 }, 4, false);
    await reflow(browser, site, server.base, pages, 'at 320 px with WCAG text spacing', { width: 320, height: 640 }, 1, true);
    await focusJourney(browser, site, server.base, webPages);
    if (!local) await notFound(browser, site, server);
    await printed(browser, site, server.base, webPages);
    const compared = await forcedColours(browser, site, server.base, webPages);
    if (screenshots) await takeScreenshots(browser, site, server.base, join(screenshots, site.split('/').filter(Boolean).pop()));
    console.log(`${site}: ${pages.length} pages at 320 px, at 400 % zoom and with text spacing, tabbed through, printed; `
                + `${local ? '' : 'the 404 page at a nested address; '}${compared} added and removed pairs in forced colours: ${failures - before} problems`);
    server.close();
  }
} finally {
  await browser.close();
}
process.exit(failures === 0 ? 0 : 1);
