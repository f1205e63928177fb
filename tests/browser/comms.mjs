// A comms officer's journey through the editor, in headless Chromium at one
// width, by keyboard except where a file is chosen (set through the page's
// file input, as a person's file picker would): open June's bulletin, add a
// phone's photo (3000 by 2000, with its GPS location) with its alternative
// text; paste a link to a page that does not exist and see the error on the
// text in plain words, and the preview's address of a page, which becomes its
// checked link; find a meeting paper in the link dialog and link to it; empty the title and see the error on the title; put
// both right; save, and find the bulletin "Changed" on the start page;
// publish; add a sentence and publish again; from "Recent changes" restore
// the version before that sentence; save over a change made elsewhere (merged
// when it is another field; both shown, and the other taken, when it is the
// same); change the footer's telephone number in "Site settings" and publish it. Then `portal build`, and the site and the
// e-mail copy are opened: the sentence is gone, the picture is there, at most
// the theme's width and without EXIF, the e-mail copy at most 600 px wide.
//
// Usage: node comms.mjs PORTAL SITE_DIR PHOTO WIDTH [SNAPSHOT_DIR]
//   SITE_DIR: a copy of the every-kind fixture in a git work tree of its own (it is changed)
//   PHOTO: a JPEG with GPS metadata (tests/make_photo)
//   SNAPSHOT_DIR: where the pages it meets are saved for the page checkers
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { pathToFileURL } from 'node:url';
import { chromium } from './packages.mjs';
import { startPreview, focusedId, tabTo, snapshot } from './preview.mjs';

const [portal, site, photo, widthArg, snapshots] = process.argv.slice(2);
if (!widthArg) {
  console.error('usage: node comms.mjs PORTAL SITE_DIR PHOTO WIDTH');
  process.exit(2);
}
const width = Number(widthArg);
const widest = 1280;  // themes/default/sections.toml [pictures] widest
let failures = 0;
function expect(ok, what) {
  if (!ok) {
    failures++;
    console.error(`comms at ${width} px: ${what}`);
  }
  return ok;
}

const { base, server, log } = await startPreview(portal, site);
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
const context = await browser.newContext({ viewport: { width, height: 900 } });
await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
const page = await context.newPage();
page.on('pageerror', (e) => expect(false, `a script error on ${page.url()}: ${e.message}`));
const text = (selector) => page.locator(selector).textContent();
const keep = (name) => (snapshots ? snapshot(page, snapshots, `${name}-${width}`) : null);
async function reach(id) {
  return expect(await tabTo(page, id), `Tab never reached #${id} (focus is on #${await focusedId(page)})`);
}
// A paste into the focused field, as the browser sends one (the clipboard's text).
const paste = (words) => page.evaluate((w) => {
  const data = new DataTransfer();
  data.setData('text/plain', w);
  document.activeElement.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
}, words);
// The editor's check after what was typed has come back.
async function checkedAfter(change) {
  const before = await page.evaluate(() => Number(document.documentElement.getAttribute('data-checks') || 0));
  await change();
  await page.waitForFunction((n) => Number(document.documentElement.getAttribute('data-checks') || 0) > n, before);
}

const bulletin = 'content/bulletins/2024-06.md';
const alt = 'The partnership team at the June conference, standing in front of a banner';
try {
  await page.goto(`${base}/__portal/edit/doc/${bulletin}`);

  // 1. A photo from the computer, described, inserted.
  if (await reach('add-image')) await page.keyboard.press('Enter');
  expect(await page.locator('#image-dialog[open]').count() === 1, 'Enter on "Add a picture" did not open its dialog');
  // The wrong one first: uploaded, then deleted by its button, leaving nothing behind.
  await page.setInputFiles('#image-file', photo);
  await page.waitForFunction(() => /Uploaded as|Error/.test(document.body.innerText));
  const first = /Uploaded as (\S+\.jpg)/.exec(await text('#image-status'));
  const firstFile = first ? join(site, 'content/bulletins', first[1]) : '';
  expect(first && existsSync(firstFile), `the upload says "${await text('#image-status')}" and saved no picture`);
  if (await reach('image-remove')) await page.keyboard.press('Enter');
  await page.waitForFunction(() => /is deleted|could not be deleted/.test(document.getElementById('image-status').textContent));
  expect(firstFile && !existsSync(firstFile), `"Delete this picture" left ${firstFile}`);
  expect(await focusedId(page) === 'image-file', `after deleting the picture focus is on #${await focusedId(page)}`);
  await page.setInputFiles('#image-file', photo);
  await page.waitForFunction(() => /Uploaded as|Error/.test(document.getElementById('image-status').textContent));
  await keep('picture-dialog');
  const status = await text('#image-status');
  expect(/Uploaded as .*\.jpg, 1280 by 853 pixels/.test(status), `the upload says "${status}"`);
  expect(await focusedId(page) === 'image-alt', `after the upload focus is on #${await focusedId(page)}, not the alternative text`);
  await reach('image-insert');
  await page.keyboard.press('Enter');  // no alternative text yet: refused, on its field
  expect(/describe the picture/.test(await text('#image-alt-error')), 'a picture without alternative text was not refused');
  await reach('image-alt');
  await page.keyboard.type(alt);
  await reach('image-insert');
  await checkedAfter(() => page.keyboard.press('Enter'));
  const body = await page.locator('#field-body').inputValue();
  const inserted = /!\[([^\]]*)\]\(@\/bulletins\/([a-z0-9-]+\.jpg)\)/.exec(body);
  expect(inserted && inserted[1] === alt, `the text holds no picture with its alternative text: ${body.slice(-200)}`);
  const pictureFile = inserted ? inserted[2] : '';

  // 2. Addresses pasted as the address bar gives them: one to a page that does not exist stays, and is an
  // error on the text, in words; the preview's own address of a page becomes that page's checked @/ link.
  await reach('field-body');
  await page.keyboard.press('Control+End');
  const lead = '\n\nSee [the event](';
  await page.keyboard.insertText(lead);
  const missing = '/events/2099-01-01-no-such-event/';
  await paste(missing);
  await page.keyboard.insertText(')');
  await page.waitForFunction(() => /points at no page/.test(document.getElementById('field-body-error').textContent))
    .catch(() => {});
  const bodyError = await text('#field-body-error');
  expect(/points at no page of this site/.test(bodyError), `the text's error says "${bodyError}"`);
  await page.keyboard.press('Backspace');
  for (let i = 0; i < missing.length; i++) await page.keyboard.press('Backspace');
  await paste(`${base}/events/webinar/`);
  await page.waitForFunction(() => /@\/events\/webinar\.md/.test(document.getElementById('field-body').value));
  expect(/now @\/events\/webinar\.md/.test(await text('#save-status')), `the pasted address was not announced: "${await text('#save-status')}"`);
  for (let i = 0; i < '@/events/webinar.md'.length + lead.length; i++) await page.keyboard.press('Backspace');

  // A meeting paper, found by its words and chosen in the link dialog.
  await reach('add-link');
  await page.keyboard.press('Enter');
  expect(await page.locator('#link-dialog[open]').count() === 1, 'Enter on "Add a link" did not open its dialog');
  const words = 'agreement update paper';
  await page.keyboard.type(words);
  await page.waitForFunction((w) => document.getElementById('link-results').getAttribute('data-words') === w, words);
  await keep('link-dialog');
  const paper = '@/meetings/2020-03-18/b1-csa-update.md';
  let choice = null;
  for (let i = 0; i < 10 && choice !== paper; i++) {
    await page.keyboard.press('Tab');
    choice = await page.evaluate(() => document.activeElement.getAttribute('data-link'));
  }
  expect(choice === paper, `Tab through the results never reached the paper (last: ${choice})`);
  await page.keyboard.press('Enter');
  expect(await focusedId(page) === 'link-text', 'choosing a page did not move to the link\'s words');
  await reach('link-insert');
  await checkedAfter(() => page.keyboard.press('Enter'));
  const linked = await page.locator('#field-body').inputValue();
  expect(linked.includes('[Kent Community Safety Agreement Update](@/meetings/2020-03-18/b1-csa-update.md)'),
    `the text holds no link to the paper: ${linked.slice(-200)}`);

  // 3. The title emptied: the error on the title, in words.
  await reach('field-title');
  await page.keyboard.press('Control+A');
  await checkedAfter(() => page.keyboard.press('Delete'));
  const titleError = await text('#field-title-error');
  expect(/Enter a title/.test(titleError), `the title's error says "${titleError}"`);
  expect(!/front matter|title = /.test(titleError), `the title's error is in the file's syntax: "${titleError}"`);

  // 4. Both put right, by keyboard.
  await page.keyboard.type('E-bulletin June 2024');
  await reach('field-body');
  await checkedAfter(() => page.keyboard.press('Space').then(() => page.keyboard.press('Backspace')));
  expect(/No problems found/.test(await text('#check-status')), `after the fixes the check says "${await text('#check-status')}"`);

  // 5. Saved: "Changed" here and on the start page.
  await reach('save');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => /Saved at|Not saved/.test(document.getElementById('save-status').textContent));
  expect(/^Changed/.test(await text('#state')), `after Save the state is "${await text('#state')}"`);
  await page.goto(`${base}/__portal/edit/`);
  const waiting = await page.locator('table').first().locator('tr', { hasText: 'E-bulletin June 2024' }).textContent();
  expect(/Changed/.test(waiting || ''), `the start page's first list shows the bulletin as "${waiting}"`);

  // 6. Published; before that, the e-mail section names the picture that is not yet in the e-mail.
  await page.goto(`${base}/__portal/edit/doc/${bulletin}`);
  const notYet = await page.locator('#email-unpublished').textContent().catch(() => '');
  expect(pictureFile && notYet.includes(pictureFile), `before publishing, the e-mail section says "${notYet}" of the new picture`);
  await reach('field-message');
  await page.keyboard.type("June's bulletin: a photo of the team");
  await reach('publish');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.getElementById('publish-result').textContent.length > 0 &&
    !/Checking/.test(document.getElementById('publish-result').textContent));
  expect(/Published/.test(await text('#publish-result')), `publishing says "${await text('#publish-result')}"`);
  expect(await text('#state') === 'Published', `after publishing the state is "${await text('#state')}"`);

  // 7. A sentence added and published; then, from "Recent changes", the version before it restored.
  const sentence = 'The conference is full: no more places can be booked.';
  await reach('field-body');
  await page.keyboard.press('Control+End');
  await checkedAfter(() => page.keyboard.insertText(`\n\n${sentence}`));
  await reach('field-message');
  await page.keyboard.type('The conference is full');
  await reach('publish');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => /Published|Not published/.test(document.getElementById('publish-result').textContent));
  await page.getByRole('link', { name: 'Recent changes' }).focus();
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/changes$/);
  await keep('recent-changes');
  const rows = page.locator('table.changes tbody tr');
  expect(/The conference is full/.test(await rows.nth(0).textContent()), 'the newest of the recent changes is not the sentence');
  expect(/a photo of the team/.test(await rows.nth(1).textContent()), 'the change before it is not the photo');
  await rows.nth(1).getByRole('link', { name: 'E-bulletin June 2024' }).focus();
  await page.keyboard.press('Enter');
  await page.waitForURL(/version\?path=/);
  await keep('version');
  expect(/Added: .*photo|Added: !\[/.test(await page.locator('.change-lines').textContent()), 'the version does not show the picture it added');
  await page.getByRole('button', { name: 'Restore this version' }).focus();
  await page.keyboard.press('Enter');
  await page.waitForLoadState();
  const banner = await page.locator('[role=alert]').textContent();
  expect(/back as it was/.test(banner), `restoring says "${banner}"`);
  await keep('restored');

  // 8. The e-mail, copied for a mail program and shown at a phone's width and a computer's.
  await page.goto(`${base}/__portal/edit/doc/${bulletin}`);
  expect(await page.locator('#email-unpublished').count() === 0, 'once published, the picture is still named as not published');
  await reach('copy-email');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.getElementById('copy-status').textContent.length > 0);
  expect(/copied/.test(await text('#copy-status')), `copying the e-mail says "${await text('#copy-status')}"`);
  const copied = await page.evaluate(async () => {
    const items = await navigator.clipboard.read();
    return (await items[0].getType('text/html')).text();
  });
  expect(/E-bulletin June 2024/.test(copied) && /max-width:600px/.test(copied), 'the clipboard does not hold the e-mail\'s HTML');
  expect(await page.locator('a[download]').getAttribute('href') === '/bulletins/2024-06/email.html', 'no link downloads the e-mail');
  const framed = () => page.evaluate(() => document.getElementById('email-preview').getBoundingClientRect().width);
  const phoneWidth = await framed();
  await page.locator('#email-phone').focus();
  await page.keyboard.press('ArrowDown');
  const computerWidth = await framed();
  expect(phoneWidth <= 379 && (width < 700 || computerWidth >= 600), `the e-mail is shown ${phoneWidth} px wide for a phone and ${computerWidth} for a computer`);
  await keep('email');

  // 9. Built for the public: the picture, and the e-mail copy; the sentence gone.
  const out = mkdtempSync(join(tmpdir(), 'comms-build-'));
  execFileSync(portal, ['build', '--source', site, '--output', out, '--quiet']);
  const built = join(out, 'bulletins', pictureFile);
  if (expect(pictureFile && existsSync(built), `the build has no bulletins/${pictureFile}`)) {
    const bytes = readFileSync(built);
    expect(!bytes.includes(Buffer.from('Exif\0\0', 'binary')), 'the published picture still holds EXIF');
    await page.goto(pathToFileURL(built).href);
    const natural = await page.evaluate(() => document.querySelector('img').naturalWidth);
    expect(natural > 0 && natural <= widest, `the published picture is ${natural} px wide`);
  }
  await page.goto(pathToFileURL(join(out, 'bulletins/2024-06/index.html')).href);
  expect(!(await page.locator('main').textContent()).includes(sentence), 'the restored bulletin still has the sentence');
  const shown = await page.evaluate(() => Array.from(document.querySelectorAll('main img')).map((i) => ({
    alt: i.alt, right: i.getBoundingClientRect().right })));
  expect(shown.some((i) => i.alt === alt), `the bulletin's page shows no picture described "${alt}"`);
  expect(shown.every((i) => i.right <= width), `a picture runs past the page's width: ${JSON.stringify(shown)}`);
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(pathToFileURL(join(out, 'bulletins/2024-06/email.html')).href);
  // The message is the table that holds the title; nothing in it may reach past it.
  const email = await page.evaluate(() => {
    const message = document.querySelector('h1').closest('table');
    const box = message.getBoundingClientRect();
    let overflow = 0;
    for (const e of message.querySelectorAll('*')) overflow = Math.max(overflow, e.getBoundingClientRect().right - box.right);
    return { width: box.width, overflow, images: Array.from(document.querySelectorAll('img')).map((i) => i.getBoundingClientRect().width) };
  });
  expect(email.width <= 600 && email.overflow <= 0, `the e-mail copy is ${email.width} px wide, and runs ${email.overflow} px past it`);
  expect(email.images.length > 0 && email.images.every((w) => w <= 560), `the e-mail's pictures are ${email.images} px wide`);
  expect(readdirSync(join(out, 'bulletins')).includes(pictureFile), 'the picture is not beside the bulletin');

  // 10. Changed elsewhere while open: another field is merged without asking; the same field shows both.
  const file = join(site, bulletin);
  await page.setViewportSize({ width, height: 900 });
  await page.goto(`${base}/__portal/edit/doc/${bulletin}`);
  await checkedAfter(async () => {
    await reach('field-summary');
    await page.keyboard.type('News for partners in June.');
  });
  writeFileSync(file, readFileSync(file, 'utf8') + '\nA line added elsewhere.\n');
  await reach('save');
  await page.keyboard.press('Enter');
  await page.waitForURL(/./, { waitUntil: 'load' });
  await page.waitForFunction(() => /A line added elsewhere/.test(document.getElementById('field-body').value));
  expect(await page.locator('#field-summary').inputValue() === 'News for partners in June.', 'the merge lost the summary typed here');
  await checkedAfter(async () => {
    await reach('field-title');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('E-bulletin June 2024: my title');
  });
  writeFileSync(file, readFileSync(file, 'utf8').replace('title = "E-bulletin June 2024"', 'title = "E-bulletin June 2024: their title"'));
  await reach('save');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#conflict:not([hidden])');
  await keep('conflict-fields');
  const marks = await page.locator('#conflict-fields mark').allTextContents();
  expect(marks.includes('E-bulletin June 2024: my title') && marks.includes('E-bulletin June 2024: their title'),
    `the conflict does not show both titles marked: ${marks}`);
  expect(await page.locator('#conflict .versions').isHidden(), 'the two whole files are shown as well as the field');
  await page.locator('#keep-title-mine').focus();
  await page.keyboard.press('ArrowDown');  // to "Take the one saved elsewhere"
  await reach('conflict-merge');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => /their title/.test(document.getElementById('field-title')?.value || ''));
  expect(readFileSync(file, 'utf8').includes('A line added elsewhere.'), 'resolving the conflict lost the line added elsewhere');

  // 11. The footer's telephone number, changed in "Site settings": a wrong one refused on its field, then published.
  await page.getByRole('link', { name: 'Site settings' }).focus();
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/settings$/);
  await reach('settings-phone');
  await page.keyboard.press('Control+A');
  await page.keyboard.type('call 0300');
  await reach('settings-message');
  await page.keyboard.type('A new telephone number for the team');
  await reach('settings-publish');
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/settings\?/);
  await page.waitForFunction(() => document.activeElement && document.activeElement.classList.contains('error-summary'))
    .catch(() => null);
  expect(await page.evaluate(() => document.activeElement.classList.contains('error-summary')),
    'a refused setting does not put focus on the error summary');
  expect(/Enter a telephone number/.test(await text('.field-error .error-message')), 'the wrong number has no error on its field');
  expect(await page.locator('#settings-phone').inputValue() === 'call 0300', 'the refused form lost what was typed');
  await keep('settings-error');
  await reach('settings-phone');
  await page.keyboard.press('Control+A');
  await page.keyboard.type('03000 410234');
  await reach('settings-publish');
  await Promise.all([page.waitForURL(/done=published/), page.keyboard.press('Enter')]);
  await page.waitForFunction(() => document.activeElement && document.activeElement.getAttribute('role') === 'alert')
    .catch(() => null);
  expect(await page.evaluate(() => document.activeElement.getAttribute('role')) === 'alert' && /Published/.test(await text('[role=alert]')),
    'publishing the settings does not show and focus a banner that says "Published"');
  expect(await text('#settings-state') === 'Published', `after publishing the settings read "${await text('#settings-state')}"`);
  await keep('settings-published');
  const out2 = mkdtempSync(join(tmpdir(), 'comms-build-'));
  // The bulletin's merged change (step 10) is saved, not published: a local look.
  execFileSync(portal, ['build', '--source', site, '--output', out2, '--quiet', '--local']);
  expect(readFileSync(join(out2, 'index.html'), 'utf8').includes('03000 410234'), 'the built site\'s footer lacks the new number');
} catch (e) {
  expect(false, `the journey stopped: ${e.stack}`);
} finally {
  await browser.close();
  server.kill('SIGTERM');
}
if (failures) {
  console.error(log.err);
  process.exit(1);
}
console.log(`comms at ${width} px: a picture added, links and title put right, saved, published, built and checked`);
