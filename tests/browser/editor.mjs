// The editor in `portal serve`, used as a comms person uses it, in headless
// Chromium and with the keyboard alone: start a bulletin, give it a title,
// tick a priority, write a paragraph with a link and watch the preview show
// it; put in a renamed priority's old id and find the error beside the field
// with its hint; fix it, save, publish with a message. Then the file, the
// commit and a published build are read. Then what must be refused is tried,
// each time checking that nothing on disk changed; then what was typed must
// survive the tab being closed, and a file changed on disk must not be
// overwritten. Each page's state is saved (scripts run, stylesheet inlined)
// for the page checkers (tests/a11y/'s check.mjs, person.mjs, codesniffer.mjs).
//
// Usage: node editor.mjs PORTAL SITE_DIR SNAPSHOT_DIR
//   SITE_DIR: a copy of a fixture site in a git work tree of its own (it is changed)
import { spawnSync, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync, writeFileSync, existsSync, symlinkSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import http from 'node:http';
import { chromium } from './packages.mjs';
import { startPreview, focusedId, tabTo as tabToId, snapshot as saveSnapshot, fillDate } from './preview.mjs';

const [portal, site, snapshots] = process.argv.slice(2);
if (!snapshots) {
  console.error('usage: node editor.mjs PORTAL SITE_DIR SNAPSHOT_DIR');
  process.exit(2);
}
let failures = 0;
function fail(what) {
  failures++;
  console.error(`editor: ${what}`);
}
function expect(ok, what) {
  if (!ok) fail(what);
  return ok;
}

// Every file under content/, with its bytes' hash: what "nothing changed on disk" means.
function contentState() {
  const out = {};
  const walk = (dir) => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else out[p] = createHash('sha256').update(readFileSync(p)).digest('hex');
    }
  };
  walk(join(site, 'content'));
  return JSON.stringify(out);
}

// The preview, on a free port.
const { base, server, log: serverLog } = await startPreview(portal, site);
const port = new URL(base).port;

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
let page = await context.newPage();
page.on('pageerror', (e) => fail(`a script error on ${page.url()}: ${e.message}`));

const snapshot = (name) => saveSnapshot(page, snapshots, name);
async function checked(count) {
  await page.waitForFunction((n) => Number(document.documentElement.getAttribute('data-checks') || 0) > n, count, { timeout: 10000 });
  return Number(await page.evaluate(() => document.documentElement.getAttribute('data-checks')));
}
const checks = () => page.evaluate(() => Number(document.documentElement.getAttribute('data-checks') || 0));
const focused = () => focusedId(page);
// Presses Tab until the element with `id` has focus, as a keyboard user does.
async function tabTo(id, limit = 80) {
  if (await tabToId(page, id, limit)) return true;
  fail(`Tab never reached #${id} (focus is on #${await focused()})`);
  return false;
}
async function type(text) {
  await page.keyboard.type(text, { delay: 5 });
}

const year = 2024, month = '07';
const file = join(site, `content/bulletins/${year}-${month}.md`);
const title = 'E-bulletin: July 2024 – safer summer';
const paragraph = 'Read the refreshed agreement before the summer events.';

try {
  // 1. The start page, and a new bulletin from it, by keyboard.
  await page.goto(base + '/__portal/edit/');
  await snapshot('start');
  expect(await page.locator('h1').textContent() === 'Edit the portal', 'the start page has no heading "Edit the portal"');
  const drafts = await page.locator('table').first().locator('caption').textContent();
  expect(/Drafts, changes saved/.test(drafts), `the first list on the start page is not what is not yet published but "${drafts}"`);
  // A new event without its title: refused, the error beside the field, what was typed kept.
  await fillDate(page, 'new-event-date', '2024-09-10');
  await page.click('#new-event-submit');
  await page.waitForSelector('.error-summary');
  expect(/title is needed/i.test(await page.locator('#new-event-title-error').textContent().catch(() => '')),
    'a new event without a title has no error beside its title');
  expect(await page.inputValue('#new-event-date-month') === '9', 'a refused new event lost the date typed');
  expect(await page.getAttribute('.error-summary a', 'href') === '#new-event-title', 'the summary does not link to the title');
  // A date as GOV.UK's date input asks for it, typed by keyboard: day, month, year.
  await page.goto(base + '/__portal/edit/');
  await tabTo('new-bulletin-date-day');
  await type('12');
  await page.keyboard.press('Tab');
  await type('7');
  await page.keyboard.press('Tab');
  await type('2024');
  await tabTo('new-bulletin-submit');
  await Promise.all([page.waitForURL(/\/__portal\/edit\/doc\//), page.keyboard.press('Enter')]);
  expect(page.url().endsWith(`/content/bulletins/${year}-${month}.md`), `"New bulletin" opened ${page.url()}`);
  expect(existsSync(file), `"New bulletin" did not make ${file}`);
  const starter = await page.locator('#field-body').inputValue();
  expect(/Ready to publish/.test(starter) && !/portal check|draft = true/.test(starter),
    `the new bulletin starts with words for a developer: ${starter}`);
  // A second bulletin in the same month: refused on its name, which a person can then give.
  await page.goto(base + '/__portal/edit/');
  await fillDate(page, 'new-bulletin-date', '2024-07-20');
  await page.click('#new-bulletin-submit');
  await page.waitForSelector('.error-summary');
  expect(await page.getAttribute('.error-summary a', 'href') === '#new-bulletin-name',
    'a second bulletin in one month is not refused on its name');
  await page.fill('#new-bulletin-name', 'special-edition');
  await Promise.all([page.waitForURL(/\/__portal\/edit\/doc\//), page.click('#new-bulletin-submit')]);
  expect(page.url().endsWith(`/content/bulletins/${year}-${month}-special-edition.md`), `the named bulletin opened ${page.url()}`);
  rmSync(join(site, `content/bulletins/${year}-${month}-special-edition.md`));
  await page.goto(base + `/__portal/edit/doc/content/bulletins/${year}-${month}.md`);
  let n = await checked(0);

  // 2. Its title, typed.
  await tabTo('field-title');
  await page.keyboard.press('Control+A');
  await type(title);
  n = await checked(n - 1);
  // 3. A priority ticked with the space bar.
  await tabTo('priority-domestic-abuse');
  await page.keyboard.press('Space');
  expect(await page.isChecked('#priority-domestic-abuse'), 'Space did not tick "Domestic Abuse"');
  // 4. A paragraph with a link, and the preview showing it.
  await tabTo('field-body');
  await page.keyboard.press('Control+A');
  await type(`${paragraph}\n\nSee [the April 2020 agreement](@/agreements/2020-04.md).`);
  await page.waitForFunction((text) => {
    const f = document.getElementById('preview');
    const doc = f && f.contentDocument;
    return doc && doc.body && doc.body.textContent.includes(text) && doc.querySelector('a[href*="agreements/2020-04"]');
  }, paragraph, { timeout: 10000 }).catch(() => fail('the preview never showed the typed paragraph and its link'));
  const preview = page.frameLocator('#preview');
  const link = await preview.locator('main a', { hasText: 'the April 2020 agreement' }).getAttribute('href').catch(() => null);
  expect(link && new URL(link, base + '/bulletins/2024-07/').pathname === '/agreements/2020-04/', `the preview's link leads to ${link}`);
  expect(await preview.locator('h1').textContent() === title, 'the preview does not show the typed title');
  expect(await preview.locator('a', { hasText: 'Domestic Abuse' }).count() > 0, 'the preview does not show the ticked priority');
  await snapshot('edit');
  // The form beside its preview on a wide screen.
  const formBox = await page.locator('#edit-form').boundingBox();
  const previewBox = await page.locator('#preview').boundingBox();
  expect(previewBox.x >= formBox.x + formBox.width, 'on a wide screen the preview is not beside the form');
  // The priorities offered follow the document's date.
  await fillDate(page, 'field-date', '2019-06-01');
  await page.waitForSelector('#priority-serious-organised-crime', { timeout: 10000 })
    .catch(() => fail('dated 2019, the priorities offered are not those of the 2019 agreement'));
  expect(/2019/.test(await page.locator('#field-priorities-agreement').textContent()), 'the agreement named is not 2019\'s');
  await fillDate(page, 'field-date', '2024-07-12');
  await page.waitForSelector('#priority-serious-violence-organised-crime', { timeout: 10000 })
    .catch(() => fail('dated back to 2024, the priorities offered are not those of the 2020 agreement'));
  expect(await page.isChecked('#priority-domestic-abuse'), 'a priority ticked before the date changed was lost');
  expect(await page.inputValue('#field-priorities-other') === '', 'ids moved to "Other ids" did not come back to their boxes');

  // 5. A renamed priority's old id: the error beside the field, with its hint, and in the summary.
  await tabTo('field-priorities-other');
  await type('serious-organised-crime');
  await page.waitForFunction(() => !document.getElementById('error-summary').hidden &&
    /renamed/.test(document.getElementById('field-priorities-error').textContent), null, { timeout: 10000 })
    .catch(() => fail('no error summary and error beside the field after an old priority id'));
  const beside = await page.locator('#field-priorities-error').textContent();
  expect(/renamed/.test(beside) && /serious-violence-organised-crime/.test(beside),
    `the error beside the priorities does not say it was renamed and to what: "${beside}"`);
  expect(await page.locator('#field-priorities-group.field-error').count() === 1, 'the priorities field is not marked as in error');
  const described = await page.getAttribute('#field-priorities-other', 'aria-describedby');
  const summaryLink = page.locator('#error-list a').first();
  expect(/renamed/.test(await summaryLink.textContent()), 'the error summary does not list the renamed priority');
  expect(await summaryLink.getAttribute('href') === '#field-priorities', 'the summary does not link to the priorities field');
  expect(await page.locator('#check-status[role=status]').textContent() === '1 error', 'the status does not say "1 error"');
  await summaryLink.focus();
  await page.keyboard.press('Enter');
  expect(/^priority-/.test(await focused()), `following the summary's link put focus on #${await focused()}, not the priorities`);
  await snapshot('errors');
  void described;
  // 6. Fixed: the old id removed, the new one ticked.
  await tabTo('field-priorities-other');
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Backspace');
  await page.focus('#priority-serious-violence-organised-crime');
  await page.keyboard.press('Space');
  await page.waitForFunction(() => document.getElementById('error-summary').hidden, null, { timeout: 10000 })
    .catch(() => fail('the error summary stayed after the fix'));
  expect(await page.locator('#check-status').textContent() === 'No problems found', 'the status does not say "No problems found"');

  // 7. Saved.
  await tabTo('save');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => /^Saved at/.test(document.getElementById('save-status').textContent), null, { timeout: 10000 })
    .catch(() => fail('Save did not say "Saved at …"'));
  const savedText = readFileSync(file, 'utf8');
  expect(savedText.includes(`title = "${title}"`), 'the saved file does not hold the typed title');
  expect(savedText.includes('priorities = ["serious-violence-organised-crime", "domestic-abuse"]'), `the saved file's priorities: ${/priorities.*/.exec(savedText)}`);
  expect(savedText.includes(paragraph), 'the saved file does not hold the typed paragraph');
  expect(savedText.includes('# ids of the agreement in force'), 'saving lost the comment the new file had');
  expect(/draft = true/.test(savedText), 'saving took away the draft mark');

  // 8. Published with a message: one commit of that file alone.
  const git = (...args) => { try { return execFileSync('git', ['-C', site, ...args], { stdio: ['ignore', 'pipe', 'ignore'] }).toString(); } catch { return ''; } };
  const before = git('rev-parse', 'HEAD').trim();
  writeFileSync(join(site, 'content/about.md'), readFileSync(join(site, 'content/about.md'), 'utf8') + '\nAn unrelated change.\n');
  await tabTo('publish');
  await page.keyboard.press('Enter');
  expect(await focused() === 'field-message', 'publishing without a message did not put focus on the message');
  expect(/Error: write what changed/.test(await page.locator('#field-message-error').textContent()), 'no error for a missing message');
  await type('July 2024 e-bulletin');
  await tabTo('publish');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => /Published/.test(document.getElementById('publish-result').textContent), null, { timeout: 30000 })
    .catch(async () => fail(`publishing did not say "Published": ${await page.locator('#publish-result').textContent()}`));
  // What came of it is at the top of the page, announced and focused (GOV.UK's notification banner).
  const result = await page.locator('#publish-banner').textContent();
  expect(result.includes(`/bulletins/${year}-${month}/`), `the published banner does not give the page's address: "${result}"`);
  expect(/live/.test(result), `the published banner does not say whether it is live: "${result}"`);
  expect(!/commit/.test(result), `the published banner speaks of a commit: "${result}"`);
  expect(await focused() === 'publish-banner' && await page.getAttribute('#publish-banner', 'role') === 'alert',
    `after publishing focus is on #${await focused()}, not the banner at the top`);
  const bannerBox = await page.locator('#publish-banner').boundingBox();
  expect(bannerBox.y < (await page.locator('#edit-form').boundingBox()).y, 'the published banner is not above the form');
  await snapshot('published');
  const published = readFileSync(file, 'utf8');
  expect(!/draft/.test(published), 'the published file still has its draft mark');
  expect(published.includes(paragraph) && published.includes(`title = "${title}"`), 'publishing lost what was typed');
  const log = git('log', '-1', '--format=%s%n%P', '--name-only').trim().split('\n');
  expect(log[0] === 'July 2024 e-bulletin', `the commit's message is "${log[0]}"`);
  expect(log[1] === before, 'the commit is not on top of the one before');
  const files = log.slice(2).filter(Boolean);
  expect(files.length === 1 && files[0].endsWith(`content/bulletins/${year}-${month}.md`), `the commit holds ${files.join(', ')}`);
  const status = git('status', '--porcelain');
  expect(/ M content\/about.md/.test(status), `the unrelated change is not left as it was: ${status}`);
  expect(!/bulletins/.test(status), `the bulletin is not committed as it is on disk: ${status}`);
  const out = mkdtempSync(join(tmpdir(), 'editor-build-'));
  // The unrelated change is saved, not published: a build to publish refuses it, naming the file.
  const refused = spawnSync(portal, ['build', '--source', site, '--output', out, '--quiet'], { encoding: 'utf8' });
  expect(refused.status !== 0 && refused.stderr.includes('content/about.md') && !existsSync(join(out, 'index.html')),
    `portal build did not refuse the saved, unpublished change: ${refused.status} ${refused.stderr}`);
  execFileSync(portal, ['build', '--source', site, '--output', out, '--local', '--quiet']);
  const built = join(out, `bulletins/${year}-${month}/index.html`);
  expect(existsSync(built) && readFileSync(built, 'utf8').includes(paragraph), 'portal build did not publish the bulletin');

  // 9. Refused, each changing nothing on disk.
  const secret = await page.getAttribute('body', 'data-secret');
  const mine = `+++\ntitle = "Overwritten"\ndate = 2024-07-12\n+++\nGone.\n`;
  const baseId = await page.getAttribute('#edit-form', 'data-base');
  const request = (path, body, headers) => new Promise((resolve) => {
    // A multipart form, as the editor's pages send one.
    const boundary = 'portal' + Math.random().toString(16).slice(2);
    const data = Buffer.from(Object.entries(body).map(([k, v]) =>
      `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`).join('') + `--${boundary}--\r\n`);
    const req = http.request({ host: '127.0.0.1', port, path, method: 'POST', headers: {
      'Content-Type': `multipart/form-data; boundary=${boundary}`, 'Content-Length': data.length, ...headers } }, (res) => {
      let text = '';
      res.on('data', (d) => { text += d; });
      res.on('end', () => resolve({ status: res.statusCode, text }));
    });
    // A server may answer and close before the whole body is sent: its answer counts.
    req.on('error', (e) => resolve({ status: 0, text: String(e) }));
    req.end(data);
  });
  const own = { Host: `127.0.0.1:${port}`, Origin: `http://127.0.0.1:${port}`, 'X-Portal-Secret': secret };
  const save = { path: `content/bulletins/${year}-${month}.md`, base: baseId, mode: 'text', text: mine };
  symlinkSync(join(site, 'site.toml'), join(site, 'content/linked.md'));
  const attempts = [
    ['without the secret', save, { ...own, 'X-Portal-Secret': '' }, 403],
    ['with a wrong secret', save, { ...own, 'X-Portal-Secret': 'f'.repeat(64) }, 403],
    ['from another origin', save, { ...own, Origin: 'http://evil.example' }, 403],
    ['from another site, as the browser marks it', save, { ...own, 'Sec-Fetch-Site': 'cross-site' }, 403],
    ['to a name that is not this computer (DNS rebinding)', save, { ...own, Host: `evil.example:${port}`, Origin: `http://evil.example:${port}` }, 403],
    ['to a path out of content/', { ...save, path: 'content/../site.toml' }, own, 404],
    ['to a path through a symbolic link', { ...save, path: 'content/linked.md' }, own, 404],
    ['to a hidden file', { ...save, path: 'content/.hidden.md' }, own, 404],
    // Beyond the editor's 2 MB, within the gate's 3 MB: the editor itself refuses it.
    ['larger than any content file', { ...save, text: 'x'.repeat(2.5 * 1024 * 1024) }, own, 413],
  ];
  for (const [what, body, headers, wanted] of attempts) {
    const state = contentState();
    const r = await request('/__portal/edit/save', body, headers);
    expect(r.status === wanted, `a save ${what} was answered ${r.status}, not ${wanted}`);
    expect(contentState() === state, `a save ${what} changed a file under content/`);
  }
  rmSync(join(site, 'content/linked.md'));
  const rebinding = await new Promise((resolve) => http.get({ host: '127.0.0.1', port, path: '/__portal/edit/', headers: { Host: `evil.example:${port}` } },
    (res) => { res.resume(); resolve(res.statusCode); }));
  expect(rebinding === 403, `the start page under another name (DNS rebinding would read its secret) was answered ${rebinding}`);
  // A save over a file changed on disk since it was opened.
  await page.reload();
  await checked(0);
  const changedOnDisk = readFileSync(file, 'utf8').replace('Read the refreshed', 'Changed elsewhere: read the refreshed');
  writeFileSync(file, changedOnDisk);
  {
    const state = contentState();
    const r = await request('/__portal/edit/save', { ...save, base: await page.getAttribute('#edit-form', 'data-base') }, own);
    expect(r.status === 409 && JSON.parse(r.text).conflict, `a save over a file changed on disk was answered ${r.status}`);
    expect(contentState() === state, 'a save over a file changed on disk changed a file');
  }
  // The same in the browser: both versions shown, nothing written.
  await page.focus('#field-body');
  await page.keyboard.press('End');
  await type(' Typed here too.');
  await page.click('#save');
  await page.waitForSelector('#conflict:not([hidden])', { timeout: 10000 }).catch(() => fail('the editor did not show the conflict'));
  expect((await page.inputValue('#conflict-disk')).includes('Changed elsewhere'), 'the conflict does not show the file as it is on disk');
  expect((await page.inputValue('#conflict-mine')).includes('Typed here too.'), 'the conflict does not show what was typed');
  expect(await focused() === 'conflict-title', 'focus did not move to the conflict');
  expect(readFileSync(file, 'utf8') === changedOnDisk, 'the conflicting save overwrote the file');
  await snapshot('conflict');

  // Saving a document without changing it changes nothing on disk (its blank lines, its order, its bytes).
  {
    const other = join(site, 'content/bulletins/2024-06.md');
    const untouched = readFileSync(other);
    await page.goto(base + '/__portal/edit/doc/content/bulletins/2024-06.md');
    await checked(0);
    await page.click('#save');
    await page.waitForFunction(() => /^Saved at/.test(document.getElementById('save-status').textContent), null, { timeout: 10000 })
      .catch(() => fail('Save of an unchanged document did not say "Saved at …"'));
    expect(readFileSync(other).equals(untouched), 'saving an unchanged document changed its file');
  }
  // A script in a file of content/ (an SVG anyone may add) cannot use the editor.
  {
    const target = join(site, 'content/about.md');
    const before = readFileSync(target, 'utf8');
    writeFileSync(join(site, 'content/bulletins/poster.svg'), `<svg xmlns="http://www.w3.org/2000/svg"><script>
fetch('/__portal/edit/').then(r => r.text()).then(t => {
  const f = new FormData();
  f.set('path', 'content/about.md'); f.set('mode', 'text'); f.set('base', '${execFileSync('git', ['hash-object', target]).toString().trim()}');
  f.set('text', '+++\\ntitle = "Taken"\\n+++\\n');
  return fetch('/__portal/edit/save', { method: 'POST', headers: { 'X-Portal-Secret': /data-secret="([0-9a-f]+)"/.exec(t)[1] }, body: f });
});</script></svg>`);
    // The preview says when it has rebuilt (its reload poll answers with a new version): an event, not a wait.
    let served = await page.request.get(base + '/bulletins/poster.svg');
    for (let i = 0; i < 20 && !served.ok(); i++) {
      const version = await (await page.request.get(base + '/__portal/wait?since=none')).text();
      await page.request.get(base + '/__portal/wait?since=' + version, { timeout: 60000 });
      served = await page.request.get(base + '/bulletins/poster.svg');
    }
    expect(served.ok() && served.headers()['content-security-policy'] === 'sandbox', 'a content file is served without Content-Security-Policy: sandbox');
    // The browser reports the script it refused to run: the event that says the attempt is over.
    const blocked = new Promise((resolve) => {
      page.on('console', (m) => { if (/sandbox|Content Security Policy/i.test(m.text())) resolve(true); });
      setTimeout(() => resolve(false), 60000);
    });
    await page.goto(base + '/bulletins/poster.svg');
    expect(await blocked, 'the browser did not report the content file\'s script as blocked');
    expect(readFileSync(target, 'utf8') === before, 'a script in a content file changed a document through the editor');
    rmSync(join(site, 'content/bulletins/poster.svg'));
  }

  // 10. What was typed survives closing the tab.
  await page.close();
  page = await context.newPage();
  page.on('pageerror', (e) => fail(`a script error on ${page.url()}: ${e.message}`));
  await page.goto(base + `/__portal/edit/doc/content/bulletins/${year}-${month}.md`);
  await checked(0);
  expect((await page.inputValue('#field-body')).includes('Typed here too.'), 'what was typed was lost when the tab closed');
  expect(await page.isVisible('#restored'), 'the editor does not say it put back unsaved changes');
  await snapshot('restored');
  await page.click('#discard');
  await page.waitForLoadState('load');
  await checked(0);
  expect(!(await page.inputValue('#field-body')).includes('Typed here too.'), '"Discard" did not discard');

  // An image is added only with its alternative text.
  await page.click('#add-image');
  await page.fill('#image-src', 'https://www.kent.gov.uk/poster.png');
  await page.click('#image-insert');
  expect(await page.isVisible('#image-alt-error'), 'an image without alternative text was not refused');
  expect(await focused() === 'image-alt', 'the refusal did not put focus on the alternative text');
  await type('Poster: summer safety events');
  await tabTo('image-insert');
  await page.keyboard.press('Enter');
  await page.locator('#image-dialog').waitFor({ state: 'hidden' });
  expect((await page.inputValue('#field-body')).includes('![Poster: summer safety events](https://www.kent.gov.uk/poster.png)'),
    'the image was not added with its alternative text');
  expect(await focused() === 'field-body', 'after adding the image, focus is not back in the text');

  // 11. An agreement opens as text, with the same checks.
  await page.goto(base + '/__portal/edit/doc/content/agreements/2020-04.md');
  await checked(0);
  expect(await page.isVisible('#field-text'), 'an agreement does not open as text');
  await snapshot('text');

  // 12. A restriction is lifted only by a publish that names what becomes public and is confirmed, by keyboard.
  {
    const secretFile = join(site, 'content/secret-page.md');
    const withheld = readFileSync(secretFile, 'utf8');
    const git = (...args) => execFileSync('git', ['-C', site, ...args]).toString();
    const head = git('rev-parse', 'HEAD').trim();
    await page.goto(base + '/__portal/edit/doc/content/secret-page.md');
    await checked(0);
    await tabTo('field-restricted');
    expect(await page.isChecked('#field-restricted'), 'a restricted page opens without its restricted box ticked');
    await page.keyboard.press('Space');
    await tabTo('save');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => /^Not saved/.test(document.getElementById('save-status').textContent), null, { timeout: 30000 })
      .catch(async () => fail(`saving a page with its restriction taken away said "${await page.locator('#save-status').textContent()}"`));
    expect(/restricted/.test(await page.locator('#save-status').textContent()), 'the refused save does not say it would make restricted content public');
    expect(readFileSync(secretFile, 'utf8') === withheld, 'a save took away a restricted mark');
    await tabTo('field-message');
    await type('Secret page made public');
    await tabTo('publish');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#lift-publish', { timeout: 30000 }).catch(() => fail('publishing a restricted page did not ask to confirm lifting its restriction'));
    expect(await page.evaluate(() => document.activeElement.textContent) === 'Lift the restriction?', 'focus did not move to the question "Lift the restriction?"');
    expect((await page.locator('#publish-result li').allTextContents()).some((t) => t.includes('content/secret-page.md')),
      'the confirmation does not name the file that would become public');
    expect(git('rev-parse', 'HEAD').trim() === head && readFileSync(secretFile, 'utf8') === withheld, 'the restriction was lifted before it was confirmed');
    // Not confirmed: the button puts focus on the box and publishes nothing.
    await tabTo('lift-publish');
    await page.keyboard.press('Enter');
    expect(await focused() === 'lift-confirm', 'the unconfirmed lift did not put focus on its box');
    expect(git('rev-parse', 'HEAD').trim() === head, 'an unconfirmed lift published');
    await page.keyboard.press('Space');
    await tabTo('lift-publish');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => /Published/.test(document.getElementById('publish-result').textContent), null, { timeout: 30000 })
      .catch(async () => fail(`the confirmed lift did not say "Published": ${await page.locator('#publish-result').textContent()}`));
    const subject = git('log', '-1', '--format=%s').trim();
    expect(subject.startsWith('Restriction lifted, publishing ') && subject.endsWith(': Secret page made public'),
      `the lifting commit's message is "${subject}"`);
    expect(!/restricted = true/.test(readFileSync(secretFile, 'utf8')), 'the confirmed lift left the page restricted');
  }

  // 13. A phone: nothing scrolls sideways.
  await page.setViewportSize({ width: 320, height: 800 });
  for (const path of ['/__portal/edit/', `/__portal/edit/doc/content/bulletins/${year}-${month}.md`]) {
    await page.goto(base + path);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width <= 320, `${path} at 320 px is ${width} px wide`);
  }
  // The page a document makes is one button away on a phone, not below the whole form.
  const previewTop = () => page.evaluate(() => {
    const p = document.getElementById('preview');
    return p.getClientRects().length ? p.getBoundingClientRect().top : null;
  });
  expect(await previewTop() === null, 'on a phone the preview is shown below the form, not behind its button');
  if (await tabTo('preview-toggle')) {
    await page.keyboard.press('Enter');
    const top = await previewTop();
    expect(top !== null && top < 800, `after "Preview" on a phone the page's preview starts at ${top} px`);
    expect(await page.locator('#edit-form').isHidden(), 'after "Preview" on a phone the form is still shown');
    await page.keyboard.press('Enter');
    expect(await page.locator('#edit-form').isVisible(), '"Back to the form" did not bring the form back');
  } else fail('on a phone, Tab never reaches the "Preview" button');
} catch (e) {
  fail(e.stack || String(e));
} finally {
  await browser.close();
  server.kill('SIGTERM');
}
if (failures) console.error(serverLog.err);
process.exit(failures === 0 ? 0 : 1);
