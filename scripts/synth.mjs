// npm run synth: runs main.ts as one JavaScript bundle (.build/main.js), rebuilt with esbuild
// only when a source file is newer than it. esbuild strips types and does not type-check
// (npm test does), so a synth costs the bundle's start-up, not a compiler's.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bundle = join(root, '.build', 'main.js');

function newestSource() {
  let newest = statSync(join(root, 'main.ts')).mtimeMs;
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(full).mtimeMs);
    }
  };
  ['lib', 'charts', 'imports'].forEach((d) => walk(join(root, d)));
  return Math.max(newest, statSync(join(root, 'package-lock.json')).mtimeMs);
}

if (!existsSync(bundle) || statSync(bundle).mtimeMs < newestSource()) {
  buildSync({
    entryPoints: [join(root, 'main.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile: bundle,
    // Dependencies stay in node_modules; the ES-module-only schema packages keep their import().
    packages: 'external',
    sourcemap: 'linked',
    logLevel: 'warning',
  });
}
// Run the bundle in this process (one Node start, not two), as main.ts does when run itself.
process.setSourceMapsEnabled(true);
const { run } = createRequire(import.meta.url)(bundle);
run(process.argv.slice(2)).then(
  (r) => {
    process.stdout.write(r.stdout);
    process.stderr.write(r.stderr);
    process.exitCode = r.exitCode;
  },
  (e) => {
    process.stderr.write(`internal error (a bug; please report it):\n${e instanceof Error ? e.stack : String(e)}\n`);
    process.exitCode = 2;
  },
);
