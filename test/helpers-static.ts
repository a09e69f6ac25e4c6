import { spawnSync, SpawnSyncReturns } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { REPO } from './helpers';

/**
 * scripts/static-checks.mjs with these arguments, from the project, its report as plain text:
 * where CI=true or FORCE_COLOR is set, oxlint and ESLint colour it (and oxlint draws its frames in
 * Unicode, `× ╭─[`, instead of ASCII, `x ,-[`).
 */
export function staticChecks(...args: string[]): Pick<SpawnSyncReturns<string>, 'status' | 'stdout' | 'stderr'> {
  const r = spawnSync(process.execPath, [join(REPO, 'scripts', 'static-checks.mjs'), ...args], { cwd: REPO, encoding: 'utf8' });
  return { status: r.status, stdout: stripVTControlCharacters(r.stdout), stderr: stripVTControlCharacters(r.stderr) };
}

/** A scratch project (remove it after) whose bad.ts has a type error at 1:7 and a floating promise at 6:3. */
export function badProject(): string {
  const dir = mkdtempSync(join(tmpdir(), 'static-checks-'));
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, noEmit: true, target: 'ES2022', module: 'node16', types: [] }, include: ['*.ts'] }));
  writeFileSync(
    join(dir, 'bad.ts'),
    ["const n: number = 'seven';", 'async function later(): Promise<number> {', '  return n;', '}', 'export function start(): void {', '  later();', '}', ''].join('\n'),
  );
  return dir;
}
