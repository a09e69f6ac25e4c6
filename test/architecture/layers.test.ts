import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/*
 * The layers of .dependency-cruiser.cjs, measured by dependency-cruiser: the application
 * above the charts, the charts above the library, the library's folders in their ranked order,
 * no cycle anywhere.
 */

const ROOT = join(__dirname, '..', '..');
const CONFIG = join(ROOT, '.dependency-cruiser.cjs');
const CLI = join(ROOT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');

interface Violation {
  readonly from: string;
  readonly to: string;
  readonly rule: string;
}

function cruise(cwd: string, paths: string[]): Violation[] {
  const r = spawnSync(process.execPath, [CLI, '--config', CONFIG, '--output-type', 'json', ...paths], { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.stdout === '') {
    throw new Error(`dependency-cruiser failed: ${r.stderr}`);
  }
  const result = JSON.parse(r.stdout) as { summary: { violations: { from: string; to: string; rule: { name: string } }[] } };
  return result.summary.violations.map((v) => ({ from: v.from, to: v.to, rule: v.rule.name }));
}

describe('layers', () => {
  test('no module imports a higher layer and no import cycle, in the shipped sources', () => {
    expect(cruise(ROOT, ['main.ts', 'bootstrap.ts', 'lib', 'charts'])).toEqual([]);
  });

  test('the rules catch an up-import, a cycle, a library import of a chart and an unranked folder', () => {
    // GIVEN a small tree with one of each mistake (test/fixtures/architecture)
    const fixture = join(ROOT, 'test', 'fixtures', 'architecture');
    // WHEN it is cruised with the project's rules
    const violations = cruise(fixture, ['lib', 'charts']);
    // THEN each is reported by its rule
    expect([...violations].sort((a, b) => `${a.rule}${a.from}`.localeCompare(`${b.rule}${b.from}`))).toEqual([
      { from: 'lib/net/ipv4.ts', to: 'charts/chart.ts', rule: 'library-imports-charts' },
      { from: 'lib/spec/schema.ts', to: 'lib/checks/check.ts', rule: 'library-up:spec' },
      { from: 'lib/checks/check.ts', to: 'lib/spec/schema.ts', rule: 'no-circular' },
      { from: 'charts/chart.ts', to: 'lib/gadgets/gadget.ts', rule: 'unranked-library-part' },
    ]);
  });
});
