// Loads nodes.ts (the project's own spec parser and node model) as one esbuild bundle,
// rebuilt when a source under lib/ or nodes.ts is newer, as scripts/synth.mjs does for main.ts.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { PROJECT_ROOT } from './paths.mjs';

const entry = join(PROJECT_ROOT, 'scripts', 'cluster', 'nodes.ts');
const bundle = join(PROJECT_ROOT, '.build', 'cluster', 'nodes.js');

function newestSource() {
  let newest = statSync(entry).mtimeMs;
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else if (e.name.endsWith('.ts')) newest = Math.max(newest, statSync(full).mtimeMs);
    }
  };
  walk(join(PROJECT_ROOT, 'lib'));
  return newest;
}

/** { specFacts(text, source), KWOK_ANNOTATION } from nodes.ts. */
export function specModule() {
  if (!existsSync(bundle) || statSync(bundle).mtimeMs < newestSource()) {
    buildSync({ entryPoints: [entry], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: bundle, packages: 'external', logLevel: 'warning' });
  }
  return createRequire(import.meta.url)(bundle);
}
