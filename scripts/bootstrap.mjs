// npm run bootstrap: runs bootstrap.ts as one JavaScript bundle (.build/bootstrap.js), built
// with esbuild like the synth's (no type-check here; npm test does that).
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bundle = join(root, '.build', 'bootstrap.js');
buildSync({
  entryPoints: [join(root, 'bootstrap.ts')],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  outfile: bundle,
  packages: 'external',
  sourcemap: 'linked',
  logLevel: 'warning',
});
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
