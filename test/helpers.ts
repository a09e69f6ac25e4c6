import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const REPO = join(__dirname, '..');
export const FIXTURES = join(__dirname, 'fixtures');

/** Names and texts of the fixture files in `test/fixtures/<kind>/`. */
export function fixtures(kind: 'valid' | 'invalid'): [string, string][] {
  const dir = join(FIXTURES, kind);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => [f, readFileSync(join(dir, f), 'utf8')]);
}

export function defaultSpecText(): string {
  return readFileSync(join(REPO, 'cluster.yaml'), 'utf8');
}
