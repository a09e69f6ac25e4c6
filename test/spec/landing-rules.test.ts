import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../../lib/errors';
import { secretReferences } from '../../lib/secrets/secret-references';
import { cronProblem } from '../../lib/spec/cron';
import { timezoneProblem } from '../../lib/spec/landing-rules';
import { loadSpec } from '../../lib/services/registry';
import { synthesize } from '../../lib/synth';
import { FIXTURES } from '../helpers';
import { synthesized } from '../helpers-render';

function problems(text: string): readonly string[] {
  try {
    loadSpec(text, 'spec.yaml');
  } catch (e) {
    if (e instanceof UserError) return [e.message.split('\n')[0], ...e.problems];
    throw e;
  }
  throw new Error('expected the spec to be rejected');
}

const minimal = readFileSync(join(FIXTURES, 'valid', 'minimal.yaml'), 'utf8');

describe('cron, as Debian cron reads cron.d', () => {
  test.each(['30 3 * * *', '*/15 0-6,22-23 1 jan-mar mon-fri', '0 0 * * 7', '5 4 1-31/2 * SUN'])('accepts %s', (s) => {
    expect(cronProblem(s)).toBeUndefined();
  });
  test.each([
    ['0 24 * * *', 'refuse the hour field "24": values run from 0 to 23'],
    ['60 1 * * *', 'refuse the minute field "60": values run from 0 to 59'],
    ['0 3 0 * *', 'refuse the day of month field "0": values run from 1 to 31'],
    ['0 3 * 13 *', 'refuse the month field "13": values run from 1 to 12 or jan-dec'],
    ['0 3 * * 5-2', 'refuse the day of week field "5-2": the range "5-2" runs backwards'],
    ['0 3 * * * *', 'need exactly 5 fields (minute hour day-of-month month day-of-week), not 6'],
    ['*/0 3 * * *', 'refuse the minute field "*/0": the step "0" must be a number from 1 to 59'],
  ])('fails when given %s', (s, message) => {
    expect(cronProblem(s)).toBe(message);
  });
});

describe('time zones, as tzdata names them', () => {
  test.each(['Etc/UTC', 'Europe/Berlin', 'America/Argentina/Buenos_Aires', 'UTC'])('accepts %s', (z) => {
    expect(timezoneProblem(z)).toBeUndefined();
  });
  test.each([
    ['Mars/Olympus_Mons', '"Mars/Olympus_Mons" is not an IANA time zone (such as Europe/Berlin, America/New_York or Etc/UTC)'],
    ['europe/berlin', '"europe/berlin" is not spelled as in the IANA time zone database; did you mean Europe/Berlin?'],
    ['+01:00', '"+01:00" is not an IANA time zone (such as Europe/Berlin, America/New_York or Etc/UTC)'],
  ])('fails when given %s', (z, message) => {
    expect(timezoneProblem(z)).toBe(message);
  });
});

describe('hostile and unusual YAML', () => {
  test('an anchor used 101 times is valid YAML, and the spec is accepted', () => {
    const key = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGx0cm9vdGtleWV4YW1wbGVvbmx5bm90cmVhbDEy admin@laptop';
    const text = minimal.replace(`  sshAuthorizedKeys:\n    - ${key}`, `  sshAuthorizedKeys: [&k "${key}", ${Array(101).fill('*k').join(', ')}]`);
    expect(text).toContain('*k, *k');
    expect(loadSpec(text, 'spec.yaml').access.sshAuthorizedKeys).toHaveLength(102);
  });

  test('fails on an alias bomb, quickly and without a stack trace', () => {
    let text = 'a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n';
    for (let i = 1; i < 10; i++) text += `a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]\n`;
    expect(problems(text)).toEqual([
      'spec.yaml is not a cluster description: its YAML aliases expand to more than 10000 nodes (an alias bomb?); write the repeated parts out or use fewer aliases',
    ]);
  });

  test('fails on deep nesting before the parser recurses', () => {
    expect(problems(`a: ${'['.repeat(5000)}${']'.repeat(5000)}`)).toEqual([
      'spec.yaml is not a cluster description: flow collections ("[", "{") nest more than 64 deep',
    ]);
  });

  test('finds duplicate keys among 100 000 in one pass, at their position', () => {
    const text = `${Array.from({ length: 100_000 }, (_, i) => `k${i}: ${i}`).join('\n')}\nk7: again\n`;
    expect(problems(text)).toEqual(['spec.yaml is not valid YAML:', 'Map keys must be unique at line 100001, column 1']);
  });

  test('a spec with ingress disabled synthesizes without the ingress stages', async () => {
    const { cluster } = await synthesize(minimal.replace('ingress: { enabled: true }', 'ingress: { enabled: false }'), 'spec.yaml');
    expect(cluster.files.paths().some((p) => p.startsWith('dist/ingress'))).toBe(false);
  });

  test('fails when ingress is disabled but Grafana is served through it', () => {
    const text = minimal.replace('ingress: { enabled: true }', 'ingress: { enabled: false }').replace('observability: { enabled: false }', 'observability: { enabled: true, dataset: apps }');
    expect(problems(text)).toContain(
      'services.ingress.enabled: false, but services.observability is enabled and serves Grafana through ingress (https://grafana.tiny.home.arpa); keep ingress enabled, or set services.observability.enabled: false',
    );
  });

  test('fails when two pools hold datasets of one name', () => {
    const text = minimal
      .replace('      disks: [/dev/disk/by-id/ata-disk-one, /dev/disk/by-id/ata-disk-two]\n', '      disks: [/dev/disk/by-id/ata-disk-one, /dev/disk/by-id/ata-disk-two]\n    - { name: fast, layout: single, disks: [/dev/disk/by-id/ata-disk-three] }\n')
      .replace('    - { name: apps, pool: data }', '    - { name: apps, pool: data }\n    - { name: apps, pool: fast }');
    expect(problems(text)).toEqual([
      'spec.yaml has 1 problem:',
      'storage.datasets[2].name: "apps" is already used by storage.datasets[1] (in pool data); services name datasets by name alone, so names must be unique across pools',
    ]);
  });
});

describe('secrets only by reference', () => {
  test('a game env value from a Secret is rendered as valueFrom and counted by the secrets check', async () => {
    const text = minimal.replace(
      'services:\n',
      'services:\n  games:\n    - { name: mc, image: docker.io/itzg/minecraft-server, version: 2025.10.2-java21, ports: [{ name: game, port: 25565, protocol: TCP }], memoryMiB: 1024, worldSizeGiB: 5, dataset: apps, env: { EULA: "TRUE", RCON_PASSWORD: { secretKeyRef: { name: mc-rcon, key: password } } } }\n',
    );
    const { cluster, warnings } = await synthesized(text, 'spec.yaml');
    const deployment = cluster.objects.find((o) => o.manifest.kind === 'Deployment' && o.manifest.metadata.name === 'mc')!.manifest;
    expect(deployment.spec.template.spec.containers[0].env).toEqual([
      { name: 'EULA', value: 'TRUE' },
      { name: 'RCON_PASSWORD', valueFrom: { secretKeyRef: { name: 'mc-rcon', key: 'password' } } },
    ]);
    expect(secretReferences(cluster.objects).filter((r) => r.name === 'mc-rcon')).toEqual([
      { namespace: 'games', name: 'mc-rcon', keys: ['password'], usedBy: 'Deployment/games/mc' },
    ]);
    expect(warnings.map((w) => w.message).filter((m) => m.includes('mc-rcon'))).toHaveLength(1);
  });
});
