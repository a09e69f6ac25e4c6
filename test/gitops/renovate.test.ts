import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from '../helpers';

/*
 * Renovate's regex managers only help if they find the literals where this project writes
 * them. Each manager's pattern must match in its files and capture a dependency and version;
 * the k3s one must capture exactly the spec's version.
 */
interface Manager {
  readonly description: string;
  readonly datasourceTemplate?: string;
  readonly managerFilePatterns: string[];
  readonly matchStrings: string[];
  readonly depNameTemplate?: string;
}

const config = JSON.parse(readFileSync(join(REPO, 'renovate.json'), 'utf8')) as { customManagers: Manager[] };
const files: Record<string, string[]> = {
  '/^lib/upstream/charts\\.ts$/': ['lib/upstream/charts.ts'],
  '/^lib/.+\\.ts$/': ['lib/observability/constants.ts', 'lib/services/wireguard.ts', 'lib/storage/restore-job.ts'],
  '/^charts/.+\\.ts$/': [],
  '/^cluster\\.yaml$/': ['cluster.yaml'],
};

describe('renovate.json', () => {
  test.each(config.customManagers.map((m) => [m.description, m]))('%s finds its literals', (_d, manager) => {
    const m = manager as Manager;
    const texts = m.managerFilePatterns.flatMap((p) => files[p]).map((f) => readFileSync(join(REPO, f), 'utf8'));
    const matches = texts.flatMap((t) => [...t.matchAll(new RegExp(m.matchStrings[0], 'g'))]);
    expect(matches.length).toBeGreaterThan(0);
    for (const match of matches) {
      expect(match.groups?.currentValue).toMatch(/\d/);
      expect(match.groups?.depName ?? m.depNameTemplate).toBeTruthy();
    }
  });

  test('the k3s manager captures the one version in cluster.yaml', () => {
    const manager = config.customManagers.find((m) => m.depNameTemplate === 'k3s-io/k3s')!;
    const spec = readFileSync(join(REPO, 'cluster.yaml'), 'utf8');
    expect([...spec.matchAll(new RegExp(manager.matchStrings[0], 'g'))].map((m) => m.groups!.currentValue)).toEqual(['v1.33.5+k3s1']);
  });

  test('every chart of lib/upstream/charts.ts is found', () => {
    const manager = config.customManagers.find((m) => m.datasourceTemplate === 'helm')!;
    const source = readFileSync(join(REPO, 'lib/upstream/charts.ts'), 'utf8');
    const found = [...source.matchAll(new RegExp(manager.matchStrings[0], 'g'))].map((m) => m.groups!.depName);
    expect(found.sort()).toEqual([...source.matchAll(/chart: '([^']+)'/g)].map((m) => m[1]).sort());
  });
});
