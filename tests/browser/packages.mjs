// What the browser journeys take from the accessibility checks beside them.
// One package.json and lock file, tests/a11y/'s, serves both folders, and
// .ci/install-deps installs it into tests/a11y/node_modules. Node looks for a
// package only beside and above the file that imports it, so the journeys
// reach that folder by its path, here.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export { chromium } from '../a11y/node_modules/playwright-core/index.mjs';
export { serve } from '../a11y/serve.mjs';

const modules = join(dirname(fileURLToPath(import.meta.url)), '../a11y/node_modules');
export const axeScript = join(modules, 'axe-core/axe.min.js');
export const vnuJar = join(modules, 'vnu-jar/build/dist/vnu.jar');
