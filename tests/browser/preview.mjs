// What the journeys through the editor share: the preview started on a free
// port, and a keyboard user's way of reaching an element.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// `portal serve` of `site` on a free port: its base address, the process, and what it printed on stderr.
export async function startPreview(portal, site) {
  const server = spawn(portal, ['serve', '--source', site, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const log = { err: '' };
  server.stderr.on('data', (d) => { log.err += d; });
  const base = await new Promise((resolve, reject) => {
    let out = '';
    server.stdout.on('data', (d) => {
      out += d;
      const m = /Editor: (http:\/\/127\.0\.0\.1:\d+)\/__portal\/edit\//.exec(out);
      if (m) resolve(m[1]);
    });
    server.on('exit', () => reject(new Error('portal serve stopped: ' + out + log.err)));
    // Never holds the journey open once it is done.
    setTimeout(() => reject(new Error('portal serve did not say where the editor is: ' + out + log.err)), 120000).unref();
  });
  return { base, server, log };
}

// The id of the element that has focus on `page`.
export const focusedId = (page) => page.evaluate(() => document.activeElement && document.activeElement.id);

// Presses Tab until the element with `id` has focus, as a keyboard user does; false when it never does.
export async function tabTo(page, id, limit = 80) {
  for (let i = 0; i < limit; i++) {
    if (await focusedId(page) === id) return true;
    await page.keyboard.press('Tab');
  }
  return false;
}

// Types a date into a GOV.UK date input (its day, month and year boxes) as a person does; `iso` is YYYY-MM-DD.
export async function fillDate(page, id, iso) {
  const [year, month, day] = iso.split('-');
  await page.fill(`#${id}-day`, String(Number(day)));
  await page.fill(`#${id}-month`, String(Number(month)));
  await page.fill(`#${id}-year`, year);
}

const css = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '../../generator/preview/editor/editor.css'), 'utf8');

// The page as it is now (its scripts have run), with the editor's stylesheet inlined and its script
// taken out, saved as DIR/NAME/index.html for the page checkers (tests/a11y/).
export async function snapshot(page, dir, name) {
  const html = (await page.content())
    .replace(/<link rel="stylesheet" href="\/__portal\/edit\/editor.css">/, `<style>${css}</style>`)
    .replace(/<script src="\/__portal\/edit\/editor.js"><\/script>/, '');
  mkdirSync(join(dir, name), { recursive: true });
  writeFileSync(join(dir, name, 'index.html'), html);
}
