// The record followed as a partner follows it, in headless Chromium, by links
// alone: from a meeting to what the portal holds of it, from a paper to its
// priority, from an agenda item to its minute and the resolution in it and
// back to the item and the decisions register; a paragraph's own link taken
// by keyboard and opened, its paragraph marked; and every link of the April
// 2020 agreement's contents list landing on its heading, at 1280 and 375 px.
// Any failure fails the run.
//
// Usage: node record.mjs SITE_DIR (the portal built from content/)
import { chromium, serve } from './packages.mjs';

const site = process.argv[2];
if (!site) {
  console.error('usage: node record.mjs SITE_DIR');
  process.exit(2);
}
let failures = 0;
const fail = (message) => { failures++; console.error(`record: ${message}`); };
const server = await serve(site);
const base = server.base.replace(/\/$/, '');
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium' });

// Clicks the link named `name` (exactly) within `scope` and waits for the page it opens.
async function follow(page, scope, name) {
  const link = page.locator(scope).getByRole('link', { name, exact: true }).first();
  if (await link.count() === 0) {
    fail(`${page.url()}: no link "${name}" in ${scope}`);
    return false;
  }
  await Promise.all([page.waitForURL((u) => true), link.click()]);
  await page.waitForLoadState('load');
  return true;
}

// Whether the element with `id` is on screen, its top near the window's top.
async function landed(page, id) {
  return page.evaluate((id) => {
    const el = document.getElementById(id);
    if (!el) return `no element #${id}`;
    const top = el.getBoundingClientRect().top;
    return top >= -2 && top < window.innerHeight / 2 ? '' : `#${id} is at ${Math.round(top)} px`;
  }, id);
}

const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });

// ---- March 2020: the notes are not held; its VRU paper; the paper's priority lists it ----
await page.goto(base + '/meetings/2020-03-18/');
const notesHeld = await page.locator('dl.facts dt:text-is("Notes") + dd').innerText().catch(() => '');
if (!/^Not held/.test(notesHeld)) fail(`the March 2020 meeting says of its notes: "${notesHeld}"`);
if (await follow(page, '#agenda', 'Information Update Report: Kent & Medway Violence Reduction Unit')) {
  const paperUrl = page.url();
  if (!paperUrl.endsWith('/meetings/2020-03-18/c1-violence-reduction-unit-update/')) fail(`the VRU paper link opened ${paperUrl}`);
  const minute = await page.locator('dl.facts dt:text-is("Minute") + dd').innerText().catch(() => '');
  if (!/no notes of this meeting/.test(minute)) fail(`the VRU paper says of its minute: "${minute}"`);
  const tag = page.locator('.tags a, [aria-labelledby="tags-heading"] a').first();
  if (await tag.count() === 0) fail('the VRU paper names no priority');
  else {
    await Promise.all([page.waitForURL((u) => u.href !== paperUrl), tag.click()]);
    if (!page.url().includes('/priorities/')) fail(`the paper's priority link opened ${page.url()}`);
    const listed = await page.locator('main a[href]').evaluateAll(
      (as, want) => as.some((a) => a.href === want), paperUrl);
    if (!listed) fail(`the priority page ${page.url()} does not list the VRU paper`);
  }
}

// ---- October 2019: item C1 → minute 242 → its resolution → back to the item and the register ----
await page.goto(base + '/meetings/2019-10-08/');
const c1 = page.locator('#item-c1');
if (await c1.count() === 0) fail('the October 2019 agenda has no item C1 (#item-c1)');
else if (await follow(page, '#item-c1', 'Minute 242')) {
  const hash = new URL(page.url()).hash.slice(1);
  if (!/^242-/.test(hash)) fail(`"Minute 242" opened #${hash}`);
  const where = await landed(page, hash);
  if (where) fail(`minute 242: ${where}`);
  const resolution = page.locator('#para-242-8');
  const words = await resolution.evaluate((a) => a.parentElement.textContent).catch(() => '');
  if (!/It was RESOLVED that the update report be noted\./.test(words)) fail(`minute 242's resolution reads "${words}"`);
  // From the minute back to its item.
  const notesUrl = page.url();
  const back = page.locator(`[id="${hash}"] + p.minute-links`).getByRole('link', { name: 'C1', exact: true });
  if (await back.count() === 0) fail('minute 242 has no link back to item C1');
  else {
    await back.click();
    await page.waitForURL((u) => u.href !== notesUrl);
    if (!page.url().endsWith('/meetings/2019-10-08/#item-c1')) fail(`the minute's item link opened ${page.url()}`);
    const row = await landed(page, 'item-c1');
    if (row) fail(`item C1: ${row}`);
  }
  // From the resolution, as the meeting's decisions list it, to the register.
  const decision = page.locator('#decisions li.decision', { hasText: 'Minute 242' });
  if (await decision.count() !== 1) fail('the October 2019 meeting does not list the decision of minute 242');
  if (await follow(page, '#decisions', 'Every decision, across meetings')) {
    if (!page.url().endsWith('/decisions/')) fail(`the register link opened ${page.url()}`);
    const inRegister = page.locator('li.decision', { hasText: 'Minute 242' });
    if (await inRegister.count() !== 1) fail('the register does not list the decision of minute 242');
    else {
      await inRegister.getByRole('link', { name: 'Minute 242', exact: true }).click();
      await page.waitForURL(/notes\/#para-242-8$/);
      const marked = await page.evaluate(() =>
        getComputedStyle(document.getElementById('para-242-8').parentElement).backgroundColor);
      if (marked !== 'rgb(255, 242, 168)') fail(`the resolution of minute 242, arrived at, is not marked (${marked})`);
    }
  }
}

// ---- Paragraph 2.1 of the March 2020 B2 paper, its link taken by keyboard ----
await page.goto(base + '/meetings/2020-03-18/b2-working-group-update/');
let reached = false;
for (let i = 0; i < 300 && !reached; i++) {
  await page.keyboard.press('Tab');
  reached = await page.evaluate(() => document.activeElement && document.activeElement.id === 'para-2-1');
}
if (!reached) fail('Tab never reaches the link to paragraph 2.1');
else {
  const shown = await page.evaluate(() => {
    const a = document.activeElement;
    const mark = getComputedStyle(a, '::before');
    const box = a.getBoundingClientRect();
    return { opacity: mark.opacity, content: mark.content, name: a.getAttribute('aria-label'), left: box.left };
  });
  if (shown.opacity !== '1' || !shown.content.includes('¶')) fail(`the focused paragraph link does not show (${JSON.stringify(shown)})`);
  if (shown.name !== 'Link to paragraph 2.1') fail(`the paragraph link is named "${shown.name}"`);
  await page.keyboard.press('Enter');
  await page.waitForURL(/#para-2-1$/);
  const address = page.url();  // what the address bar holds to copy
  const fresh = await browser.newPage({ viewport: { width: 375, height: 800 } });
  await fresh.goto(address);
  const target = await fresh.evaluate(() => {
    const p = document.getElementById('para-2-1').parentElement;
    const s = getComputedStyle(p);
    return { text: p.textContent.slice(0, 40), background: s.backgroundColor, border: s.borderLeftStyle,
             top: p.getBoundingClientRect().top, width: document.documentElement.scrollWidth };
  });
  if (!target.text.startsWith('2.1 The Kent Police')) fail(`paragraph 2.1 reads "${target.text}"`);
  if (target.background !== 'rgb(255, 242, 168)' || target.border !== 'solid') fail(`paragraph 2.1 is not marked on arrival (${JSON.stringify(target)})`);
  if (target.top < -2 || target.top > 400) fail(`paragraph 2.1 is at ${target.top} px on arrival`);
  if (target.width > 375) fail(`at 375 px the paper is ${target.width} px wide`);
  await fresh.close();
}

// ---- The April 2020 agreement's contents list, every link, at 1280 and 375 px ----
for (const width of [1280, 375]) {
  const p = await browser.newPage({ viewport: { width, height: 800 } });
  await p.goto(base + '/agreements/2020-04/');
  const hrefs = await p.locator('nav#contents a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  if (hrefs.length < 10) fail(`at ${width} px the agreement's contents list has ${hrefs.length} links`);
  for (const href of hrefs) {
    await p.goto(base + '/agreements/2020-04/');
    await p.locator(`nav#contents a[href="${href}"]`).click();
    await p.waitForURL((u) => u.hash === href);
    const id = href.slice(1);
    const where = await landed(p, id);
    if (where) fail(`at ${width} px, contents link ${href}: ${where}`);
    const heading = await p.evaluate((id) => {
      const el = document.getElementById(id);
      return el ? el.tagName : '';
    }, id);
    if (!/^(H2|SECTION)$/.test(heading)) fail(`contents link ${href} leads to a ${heading || 'missing element'}`);
  }
  // The chart's labels keep a readable size: its 14-unit text, as drawn at this width.
  const label = await p.evaluate(() => {
    const svg = document.querySelector('svg.chart');
    return svg ? 14 * svg.getBoundingClientRect().width / svg.viewBox.baseVal.width : 0;
  });
  if (label < 13) fail(`at ${width} px the chart's labels are drawn ${label.toFixed(1)} px high`);
  const back = p.locator('.back-to-top a');
  if (await back.count() !== 1) fail(`at ${width} px the agreement has no way back to its contents`);
  await p.close();
}

// ---- The header's search box, from any page, by keyboard ----
{
  const p = await browser.newPage({ viewport: { width: 375, height: 800 } });
  await p.goto(base + '/meetings/2019-10-08/');
  const box = p.locator('form.header-search input[type="search"]');
  if (await box.count() !== 1) fail('the meeting page has no search box in its header');
  else {
    await box.focus();
    await p.keyboard.type('violence reduction');
    await Promise.all([p.waitForURL(/\/search\/\?q=violence/), p.keyboard.press('Enter')]);
    await p.waitForFunction(() => document.querySelectorAll('#search-results li').length > 0, null, { timeout: 10000 })
      .catch(() => fail('the header search for "violence reduction" shows no results'));
  }
  await p.close();
}

await browser.close();
server.close();
if (failures) {
  console.error(`record: ${failures} failure(s)`);
  process.exit(1);
}
console.log('record: the March 2020 meeting, the VRU paper and its priority, minute 242 and its decision, paragraph 2.1 and the agreement\'s contents all followed');
