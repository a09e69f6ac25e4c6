import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO } from '../helpers';

/*
 * scripts/static-checks.mjs itself: that it reports what tsc and the lint find, and that the
 * generated constructs in imports/, whose bodies `npm test` does not type-check, are type-checked
 * by `--generated` (run by `npm run import` after it writes them, and here on the project).
 */
const staticChecks = (...args: string[]) =>
  spawnSync(process.execPath, [join(REPO, 'scripts', 'static-checks.mjs'), ...args], { cwd: REPO, encoding: 'utf8' });

/** A scratch project: a tsconfig.json and the given files, under a fresh folder. */
function scratch(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'static-checks-'));
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, noEmit: true, target: 'ES2022', module: 'node16', types: [] }, include: ['*.ts', 'imports/*.ts'] }));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

test('a type error and a lint problem are both reported, and fail the run', () => {
  const dir = scratch({
    'bad.ts': ["const n: number = 'seven';", 'async function later(): Promise<number> {', '  return n;', '}', 'export function start(): void {', '  later();', '}', ''].join('\n'),
  });
  try {
    const r = staticChecks('--root', dir);
    expect(r.stdout).toContain("bad.ts(1,7): error TS2322: Type 'string' is not assignable to type 'number'.");
    expect(r.stdout).toMatch(/6:3 +error +Promises must be awaited.*@typescript-eslint\/no-floating-promises/);
    expect(r.status).toBe(1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);

test('a type error in a generated construct is left to --generated; a wrong use of one is not', () => {
  // GIVEN a generated file whose body does not type-check, and a project file that uses its type wrongly
  const generated = ['export interface Pool { readonly cidr: string }', "export const broken: number = 'not a number';", ''].join('\n');
  const dir = scratch({
    'imports/pools.ts': generated,
    'use.ts': ["import type { Pool } from './imports/pools';", 'export const pool: Pool = { cidr: 24 };', ''].join('\n'),
  });
  try {
    // WHEN the project is checked THEN the wrong use is reported, the generated body is not
    const project = staticChecks('--root', dir);
    expect(project.stdout).toContain("use.ts(2,29): error TS2322: Type 'number' is not assignable to type 'string'.");
    expect(project.stdout).not.toContain('pools.ts');
    expect(project.status).toBe(1);
    // WHEN the generated files are checked THEN the generated body's error is reported, and only it
    const imports = staticChecks('--generated', '--root', dir);
    expect(imports.stdout).toBe("imports/pools.ts(2,14): error TS2322: Type 'string' is not assignable to type 'number'.\n");
    expect(imports.status).toBe(1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);

test("the project's generated constructs type-check", () => {
  const r = staticChecks('--generated');
  expect(`${r.stdout}${r.stderr}`).toBe('');
  expect(r.status).toBe(0);
}, 120_000);
