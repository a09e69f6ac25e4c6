import { spawnSync, SpawnSyncReturns } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO } from './helpers';

/** scripts/static-checks.mjs with these arguments, from the project. */
export function staticChecks(...args: string[]): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [join(REPO, 'scripts', 'static-checks.mjs'), ...args], { cwd: REPO, encoding: 'utf8' });
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
