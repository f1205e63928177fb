// Built sites served on loopback as a static host serves them, for the
// checks that use the pages in a browser.
import { createServer } from 'node:http';
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { join, extname } from 'node:path';

export const TYPES = { '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript',
  '.xml': 'application/xml', '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png',
  '.pdf': 'application/pdf', '.ics': 'text/calendar', '.txt': 'text/plain; charset=utf-8' };

export function filesEnding(dir, suffix) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...filesEnding(path, suffix));
    else if (name.endsWith(suffix)) out.push(path);
  }
  return out;
}

// The path a built site is published under: that of its base_url, which robots.txt names.
export function sitePath(root) {
  const robots = join(root, 'robots.txt');
  if (!existsSync(robots)) return '/';
  const sitemap = /Sitemap: (\S+)/.exec(readFileSync(robots, 'utf8'));
  return sitemap ? new URL(sitemap[1]).pathname.replace(/sitemap\.xml$/, '') : '/';
}

// Serves a folder on loopback under its site's path, as a static host
// would: a missing address gets the site's 404 page, with status 404.
export function serve(root) {
  const prefix = sitePath(root);
  return new Promise((resolve) => {
    const server = createServer((req, res) => {
      let path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
      const notFound = () => {
        const page = join(root, '404.html');
        res.writeHead(404, { 'content-type': existsSync(page) ? TYPES['.html'] : 'text/plain' });
        res.end(existsSync(page) ? readFileSync(page) : 'not found');
      };
      if (!path.startsWith(prefix)) return notFound();
      path = path.slice(prefix.length - 1);
      if (path.endsWith('/')) path += 'index.html';
      const file = join(root, path);
      if (!file.startsWith(root) || !existsSync(file) || statSync(file).isDirectory()) return notFound();
      const type = TYPES[extname(file)] ?? 'application/octet-stream';
      const body = readFileSync(file);
      // One byte range, as static hosts answer it (the search page reads
      // passages of its texts this way).
      const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
      if (range) {
        const from = Number(range[1]);
        const to = Math.min(range[2] === '' ? body.length - 1 : Number(range[2]), body.length - 1);
        if (from > to) {
          res.writeHead(416, { 'content-range': `bytes */${body.length}` });
          return res.end();
        }
        res.writeHead(206, { 'content-type': type, 'accept-ranges': 'bytes', 'content-range': `bytes ${from}-${to}/${body.length}` });
        return res.end(body.subarray(from, to + 1));
      }
      res.writeHead(200, { 'content-type': type, 'accept-ranges': 'bytes' });
      res.end(body);
    });
    server.listen(0, '127.0.0.1', () => {
      server.base = `http://127.0.0.1:${server.address().port}${prefix}`;
      resolve(server);
    });
  });
}

