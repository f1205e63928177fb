// Two people of the team editor, each in a browser context of their own,
// signed in at nginx's basic auth (tests/team/run.sh starts both): Alice (a
// publisher) starts a bulletin, writes it, saves and sends it for review; she
// cannot approve it herself. Bob (a reviewer) finds it waiting on his start
// page, opens it and approves it; he cannot publish. Alice publishes: the
// editor says where it is live, and the public address serves the new text.
// She sends herself a test e-mail, then the bulletin to the list. She
// schedules April's bulletin, once approved, for tomorrow; it is listed as
// scheduled; she cancels it.
//
// Usage (from tests/team/run.sh): EDITOR_ADDRESS=… PUBLIC_ADDRESS=… node team.mjs
import { chromium } from './packages.mjs';
import { fillDate, snapshot } from './preview.mjs';

const editor = process.env.EDITOR_ADDRESS;
const publicAddress = process.env.PUBLIC_ADDRESS;
const snapshots = process.env.SNAPSHOTS;  // where the pages met are saved for the page checkers
let failures = 0;
function expect(ok, what) {
  if (!ok) {
    failures++;
    console.error(`team: ${what}`);
  }
}
function fail(what) {
  console.error(`team: ${what}`);
  process.exit(1);
}

const sentence = 'Partners met in Maidstone to plan the spring campaign against doorstep crime.';
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
try {
  const alice = await (await browser.newContext({ httpCredentials: { username: 'alice', password: 'alice-password' } })).newPage();
  const bob = await (await browser.newContext({ httpCredentials: { username: 'bob', password: 'bob-password' } })).newPage();

  // Alice starts March 2023's bulletin, writes it and saves it.
  await alice.goto(editor + '/__portal/edit/');
  expect(/Signed in as Alice Example \(publisher\)/.test(await alice.locator('.signed-in').textContent()),
    'the start page does not say Alice is signed in');
  await fillDate(alice, 'new-bulletin-date', '2023-03-15');
  await Promise.all([alice.waitForURL(/\/__portal\/edit\/doc\//), alice.click('#new-bulletin-submit')]);
  const docAddress = alice.url();
  await alice.fill('#field-title', 'March 2023 e-bulletin');
  await alice.fill('#field-body', sentence);
  await alice.click('#save');
  await alice.waitForFunction(() => /^Saved at/.test(document.getElementById('save-status').textContent), null, { timeout: 30000 })
    .catch(() => fail('Alice\'s save did not say "Saved at"'));
  // Published before review: refused, in words.
  await alice.fill('#field-message', 'March 2023 e-bulletin');
  await alice.click('#publish');
  await alice.waitForFunction(() => /Not published/.test(document.getElementById('publish-banner').textContent), null, { timeout: 30000 })
    .catch(() => fail('publishing before a review was not refused'));
  expect(/colleague must approve/.test(await alice.locator('#publish-banner').textContent()),
    'the refusal does not say a colleague must approve it');
  // Sent for review; she may not approve her own.
  await Promise.all([alice.waitForNavigation(), alice.click('#review-send')]);
  expect(/Waiting for review/.test(await alice.locator('#review').textContent()), 'sent for review, it does not say it is waiting');
  expect(await alice.locator('#review-approve').count() === 0, 'Alice is offered to approve her own bulletin');

  // Bob finds it on his start page, opens it, approves it.
  await bob.goto(editor + '/__portal/edit/');
  expect(/Signed in as Bob Example \(reviewer\)/.test(await bob.locator('.signed-in').textContent()),
    'the start page does not say Bob is signed in');
  const waiting = bob.locator('.waiting li', { hasText: 'sent by Alice Example' }).locator('a', { hasText: 'March 2023 e-bulletin' });
  expect(await waiting.count() === 1, 'Bob\'s start page does not list the bulletin waiting for his review');
  await snapshot(bob, snapshots, 'team-start');
  await Promise.all([bob.waitForURL(docAddress), waiting.click()]);
  expect(/sent by Alice Example/.test(await bob.locator('#review').textContent()), 'Bob does not see who sent it');
  expect((await bob.locator('#field-body').inputValue()).includes(sentence), 'Bob does not see Alice\'s text');
  const previewed = await bob.waitForFunction((text) => {
    const f = document.getElementById('preview');
    const d = f && f.contentDocument;
    return d && d.body && d.body.textContent.includes(text);
  }, sentence, { timeout: 30000 }).then(() => true, () => false);
  expect(previewed, 'Bob\'s preview of the page does not show Alice\'s text');
  await snapshot(bob, snapshots, 'team-review');
  // A reviewer may not publish.
  const refused = await bob.evaluate(async () => {
    const body = new URLSearchParams({ path: 'content/bulletins/2023-03.md', message: 'Bob publishes' });
    const r = await fetch('/__portal/edit/publish?secret=' + document.body.dataset.secret, { method: 'POST', body });
    return r.status;
  });
  expect(refused === 403, `Bob, a reviewer, publishing was answered ${refused}, not 403`);
  await Promise.all([bob.waitForNavigation(), bob.click('#review-approve')]);
  expect(/Approved by Bob Example/.test(await bob.locator('#review').textContent()), 'after approving, it does not say approved by Bob');

  // Alice publishes: live at the public address.
  await alice.goto(docAddress);
  expect(/Approved by Bob Example/.test(await alice.locator('#review').textContent()), 'Alice does not see Bob\'s approval');
  await alice.fill('#field-message', 'March 2023 e-bulletin');
  await alice.click('#publish');
  await alice.waitForFunction(() => /^Published/.test(document.getElementById('publish-banner').textContent), null, { timeout: 120000 })
    .catch(async () => fail(`Alice's publish did not say "Published": ${await alice.locator('#publish-banner').textContent()}`));
  const banner = await alice.locator('#publish-banner').textContent();
  const liveLink = await alice.locator('#publish-banner a').last().getAttribute('href');
  expect(/It is live at/.test(banner) && liveLink === publicAddress + '/bulletins/2023-03/',
    `the banner does not say where it is live: "${banner}"`);
  // The e-mail: a test to Alice, then to the list, confirmed by ticking the box that names it.
  await Promise.all([alice.waitForNavigation(), alice.click('#send-test')]);
  expect(/A test is sent to you, alice@example.org/.test(await alice.locator('#mail').textContent()),
    `"Send me a test" did not say it was sent: ${await alice.locator('#mail').textContent()}`);
  expect(/about 1200 people/.test(await alice.locator('label[for=send-list-confirm]').textContent()),
    'the confirmation does not name the list\'s count');
  await alice.check('#send-list-confirm');
  await Promise.all([alice.waitForNavigation(), alice.click('#send-list')]);
  expect(/Sent to bulletin@lists.example.org, by Alice Example/.test(await alice.locator('#mail').textContent()),
    `sending to the list did not say it was sent: ${await alice.locator('#mail').textContent()}`);
  // "Publish at": April's bulletin, approved by Bob, scheduled for tomorrow at 09:30, listed, then cancelled.
  await alice.goto(editor + '/__portal/edit/');
  await fillDate(alice, 'new-bulletin-date', '2023-04-12');
  await Promise.all([alice.waitForURL(/\/__portal\/edit\/doc\//), alice.click('#new-bulletin-submit')]);
  const april = alice.url();
  await alice.fill('#field-title', 'April 2023 e-bulletin');
  await alice.click('#save');
  await alice.waitForFunction(() => /^Saved at/.test(document.getElementById('save-status').textContent), null, { timeout: 30000 });
  await Promise.all([alice.waitForNavigation(), alice.click('#review-send')]);
  await bob.goto(april);
  await Promise.all([bob.waitForNavigation(), bob.click('#review-approve')]);
  await alice.goto(april);
  const tomorrow = new Date(Date.now() + 24 * 3600 * 1000);
  await alice.fill('#publish-at-day', String(tomorrow.getDate()));
  await alice.fill('#publish-at-month', String(tomorrow.getMonth() + 1));
  await alice.fill('#publish-at-year', String(tomorrow.getFullYear()));
  await alice.fill('#publish-at-hour', '9');
  await alice.fill('#publish-at-minute', '30');
  await alice.fill('#field-message', 'April 2023 e-bulletin');
  await Promise.all([alice.waitForNavigation(), alice.click('#schedule')]);
  const note = await alice.locator('#scheduled-note').textContent().catch(() => '');
  expect(/Scheduled to be published at .*09:30.*by Alice Example/.test(note), `the schedule is not shown: "${note}"`);
  // Saved for the page checkers as a person sees it: with its preview shown.
  await alice.waitForFunction(() => document.getElementById('preview').hasAttribute('srcdoc'), null, { timeout: 30000 })
    .catch(() => fail('Alice\'s preview never showed the page'));
  await snapshot(alice, snapshots, 'team-scheduled');
  await bob.goto(editor + '/__portal/edit/');
  expect(await bob.locator('.scheduled li', { hasText: 'April 2023 e-bulletin' }).count() === 1,
    'the start page does not list what is scheduled');
  await Promise.all([alice.waitForNavigation(), alice.click('#unschedule')]);
  expect(await alice.locator('#scheduled-note').count() === 0, 'cancelling did not take the schedule away');
  const visitor = await (await browser.newContext()).newPage();
  const answer = await visitor.goto(publicAddress + '/bulletins/2023-03/');
  expect(answer.status() === 200, `the public address answered ${answer.status()}`);
  expect((await visitor.locator('main').textContent()).includes(sentence), 'the public page does not have the new text');
} finally {
  await browser.close();
}
process.exit(failures ? 1 : 0);
