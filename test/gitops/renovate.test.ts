import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { imageCatalog, loadSpec } from '../../lib/services/registry';
import { WIREGUARD_IMAGE } from '../../lib/services/wireguard/wireguard-server';
import { FIXTURES, fixtureText, REPO } from '../helpers';

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
  readonly versioningTemplate?: string;
}

const config = JSON.parse(readFileSync(join(REPO, 'renovate.json'), 'utf8')) as {
  customManagers: Manager[];
  packageRules: { groupName?: string; matchDepNames?: string[] }[];
};
const files: Record<string, string[]> = {
  '/^lib/upstream/charts\\.ts$/': ['lib/upstream/charts.ts'],
  '/^lib/.+\\.ts$/': ['lib/observability/constants.ts', 'lib/services/wireguard/wireguard-server.ts', 'lib/storage/restore-job.ts', 'lib/upgrades/system-upgrade-controller.ts'],
  '/^charts/.+\\.ts$/': [],
  '/^cluster\\.yaml$/': ['cluster.yaml'],
  '/^lib/storage/disks\\.ts$/': ['lib/storage/disks.ts'],
};

describe('renovate.json', () => {
  test.each(config.customManagers.map((m) => [m.description, m]))('%s finds its literals', (_d, manager) => {
    const m = manager;
    const texts = m.managerFilePatterns.flatMap((p) => files[p]).map((f) => readFileSync(join(REPO, f), 'utf8'));
    const matches = texts.flatMap((t) => [...t.matchAll(new RegExp(m.matchStrings[0], 'g'))]);
    expect(matches.length).toBeGreaterThan(0);
    for (const match of matches) {
      expect(match.groups?.currentValue).toMatch(/\d/);
      expect(match.groups?.depName ?? m.depNameTemplate).toBeTruthy();
    }
  });

  test('the k3s and k3OS managers capture exactly the versions of cluster.yaml, and update them in one group', () => {
    const text = readFileSync(join(REPO, 'cluster.yaml'), 'utf8');
    const spec = loadSpec(text, 'cluster.yaml');
    const captured = (depName: string): string[] => {
      const manager = config.customManagers.find((m) => m.depNameTemplate === depName)!;
      return [...text.matchAll(new RegExp(manager.matchStrings[0], 'g'))].map((m) => m.groups!.currentValue);
    };
    expect(captured('k3s-io/k3s')).toEqual([spec.k3s.version]);
    expect(captured('petercb/k3os')).toEqual([spec.k3s.k3osRelease]);
    const group = config.packageRules.find((r) => r.groupName === 'k3s');
    expect(group?.matchDepNames).toEqual(['k3s-io/k3s', 'petercb/k3os']);
  });

  test('the versioning of the k3OS fork orders its releases and ignores release candidates', () => {
    const manager = config.customManagers.find((m) => m.depNameTemplate === 'petercb/k3os')!;
    const pattern = new RegExp(manager.versioningTemplate!.replace(/^regex:/, ''));
    expect(['v0.33.11-k3s1-r4', 'v0.33.11-k3s1-rc9', 'v0.32.13-k3s1-r2'].map((v) => pattern.test(v))).toEqual([true, false, true]);
    expect(pattern.exec('v0.33.11-k3s1-r4')!.groups).toEqual({ major: '33', minor: '11', patch: '1', build: '4' });
  });

  test('the repositories pinned by tag are found: Gateway API and system-upgrade-controller', () => {
    const manager = config.customManagers.find((m) => m.datasourceTemplate === 'github-tags')!;
    const source = readFileSync(join(REPO, 'lib/upstream/charts.ts'), 'utf8');
    const found = [...source.matchAll(new RegExp(manager.matchStrings[0], 'g'))].map((m) => m.groups!.depName);
    expect(found).toEqual(['kubernetes-sigs/gateway-api', 'rancher/system-upgrade-controller']);
  });

  test('every chart of lib/upstream/charts.ts is found', () => {
    const manager = config.customManagers.find((m) => m.datasourceTemplate === 'helm')!;
    const source = readFileSync(join(REPO, 'lib/upstream/charts.ts'), 'utf8');
    const found = [...source.matchAll(new RegExp(manager.matchStrings[0], 'g'))].map((m) => m.groups!.depName);
    expect(found.sort()).toEqual([...source.matchAll(/chart: '([^']+)'/g)].map((m) => m[1]).sort());
  });
});

describe('Renovate can offer an update for every pin', () => {
  const rules = (JSON.parse(readFileSync(join(REPO, 'renovate.json'), 'utf8')) as { packageRules: { matchDepNames?: string[]; versioning?: string }[] }).packageRules;

  test("linuxserver's WireGuard tag has a versioning of its own that orders its builds and skips arch-prefixed tags", () => {
    const rule = rules.find((r) => r.matchDepNames?.includes('lscr.io/linuxserver/wireguard'))!;
    const pattern = new RegExp(rule.versioning!.replace(/^regex:/, ''));
    const pinned = WIREGUARD_IMAGE.split(':')[1];
    expect(pattern.exec(pinned)!.groups).toEqual({ major: '1', minor: '0', patch: '20250521', build: '1', revision: '110' });
    expect(['1.0.20250521-r1-ls111', 'arm64v8-1.0.20250521-r1-ls111', 'latest', 'version-1.0.20250521-r1'].map((t) => pattern.test(t))).toEqual([true, false, false, false]);
  });

  test('every image the catalogue pins is found by the image manager in the code that renders it', () => {
    // the catalogue of a cluster that runs every service module with a pinned image
    const catalog = imageCatalog(loadSpec(fixtureText(join(FIXTURES, 'valid', 'media-apps.yaml')), 'media-apps.yaml'));
    const manager = config.customManagers.find((m) => m.description.startsWith('Container images pinned in TypeScript'))!;
    // every file the manager reads (a new service's folder needs no entry here)
    const patterns = manager.managerFilePatterns.map((p) => new RegExp(p.slice(1, -1)));
    const tracked = spawnSync('git', ['-C', REPO, 'ls-files', '--cached', '--others', '--exclude-standard'], { encoding: 'utf8' }).stdout.split('\n');
    const texts = tracked.filter((f) => patterns.some((p) => p.test(f))).map((f) => readFileSync(join(REPO, f), 'utf8'));
    expect(texts.length).toBeGreaterThan(50);
    const found = new Set(texts.flatMap((t) => [...t.matchAll(new RegExp(manager.matchStrings[0], 'g'))]).map((m) => `${m.groups!.depName}:${m.groups!.currentValue}`));
    const pinned = Object.entries(catalog).flatMap(([repo, i]) => (i.pin ? [`${repo}:${i.pin.tag}`] : []));
    // system-upgrade-controller's image takes the tag of its repository (the github-tags manager).
    expect(pinned.filter((p) => !found.has(p))).toEqual(['docker.io/rancher/system-upgrade-controller:v0.20.1']);
  });
});
