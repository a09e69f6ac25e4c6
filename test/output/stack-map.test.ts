import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildSync } from 'esbuild';
import { REPO } from '../helpers';

/* An internal error's stack names the TypeScript source, though synth runs without Node's source maps. */

test('GIVEN an esbuild bundle that throws WHEN its stack is translated THEN each bundle position names the .ts file and line', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'stack-map-'));
  try {
    writeFileSync(join(dir, 'helper.ts'), 'export function fail(what: string): never {\n  const message: string = `broken: ${what}`;\n  throw new Error(message);\n}\n');
    writeFileSync(join(dir, 'entry.ts'), "import { fail } from './helper';\n\ninterface Unused { a: number }\nfail('x');\n");
    const bundle = join(dir, 'out', 'main.js');
    buildSync({ entryPoints: [join(dir, 'entry.ts')], bundle: true, platform: 'node', format: 'cjs', outfile: bundle, sourcemap: 'linked', logLevel: 'silent' });
    const run = spawnSync(process.execPath, [bundle], { encoding: 'utf8' });
    expect(run.status).toBe(1);
    const stack = /Error: broken: x\n(\s+at .*\n?)+/.exec(run.stderr)![0];
    expect(stack).toContain(`${bundle}:`);

    const { mapStack } = (await import(pathToFileURL(join(REPO, 'scripts', 'stack-map.mjs')).href)) as { mapStack: (s: string, b: string) => string };
    const mapped = mapStack(stack, bundle);
    expect(mapped).toContain(`at fail (${join(dir, 'helper.ts')}:3:9)`);
    expect(mapped).toContain(`${join(dir, 'entry.ts')}:4:1`);
    expect(mapped).not.toContain(`${bundle}:`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('GIVEN no source map WHEN a stack is translated THEN it is printed as it was', async () => {
  const { mapStack } = (await import(pathToFileURL(join(REPO, 'scripts', 'stack-map.mjs')).href)) as { mapStack: (s: string, b: string) => string };
  const stack = 'Error: x\n    at f (/nowhere/main.js:1:2)';
  expect(mapStack(stack, '/nowhere/main.js')).toBe(stack);
});
