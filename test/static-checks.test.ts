import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO } from './helpers';

/*
 * The type check (`tsc --noEmit`) and the lint (`eslint --max-warnings 0`, eslint.config.mjs)
 * of the whole project, over one TypeScript program (scripts/static-checks.mjs): zero problems.
 * They are a test so that they run beside the other test files (test/sequencer.js starts this
 * file first) rather than before all of them; jest itself only strips types
 * (test/esbuild-transform.js).
 */
const staticChecks = (...args: string[]) =>
  spawnSync(process.execPath, [join(REPO, 'scripts', 'static-checks.mjs'), ...args], { cwd: REPO, encoding: 'utf8' });

test('the project type-checks and lints clean', () => {
  const r = staticChecks();
  expect(`${r.stdout}${r.stderr}`).toBe('');
  expect(r.status).toBe(0);
}, 300_000);

test('a type error and a lint problem are both reported, and fail the run', () => {
  const dir = mkdtempSync(join(tmpdir(), 'static-checks-'));
  try {
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, noEmit: true, target: 'ES2022', module: 'node16', types: [] }, include: ['*.ts'] }));
    writeFileSync(
      join(dir, 'bad.ts'),
      ["const n: number = 'seven';", 'async function later(): Promise<number> {', '  return n;', '}', 'export function start(): void {', '  later();', '}', ''].join('\n'),
    );
    const r = staticChecks('--root', dir);
    expect(r.stdout).toContain("bad.ts(1,7): error TS2322: Type 'string' is not assignable to type 'number'.");
    expect(r.stdout).toMatch(/6:3 +error +Promises must be awaited.*@typescript-eslint\/no-floating-promises/);
    expect(r.status).toBe(1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);
