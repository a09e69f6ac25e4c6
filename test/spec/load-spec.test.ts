import { UserError } from '../../lib/errors';
import { formatPath } from '../../lib/spec/load-spec';
import { loadSpec } from '../../lib/services/registry';
import { defaultSpecText, fixtures } from '../helpers';

function problemsOf(text: string): { summary: string; problems: readonly string[] } {
  try {
    loadSpec(text, 'spec.yaml');
  } catch (e) {
    if (e instanceof UserError) {
      return { summary: e.message.split('\n')[0], problems: e.problems };
    }
    throw e;
  }
  throw new Error('expected the spec to be rejected');
}

describe('loadSpec', () => {
  test('accepts the shipped cluster.yaml and applies defaults', () => {
    // WHEN
    const spec = loadSpec(defaultSpecText(), 'cluster.yaml');
    // THEN
    expect(spec.nodes.map((n) => [n.name, n.role, n.arch])).toEqual([
      ['atlas', 'agent', 'amd64'],
      ['pi-cp', 'server', 'arm64'],
      ['pi-worker', 'agent', 'arm64'],
    ]);
    expect(spec.nodes[1].hardware.eccMemory).toBe(false);
    expect(spec.nodes[1].labels).toEqual({});
    expect(Object.isFrozen(spec.nodes[0].hardware)).toBe(true);
  });

  test.each(fixtures('valid'))('accepts valid fixture %s', (_name, text) => {
    expect(() => loadSpec(text, 'spec.yaml')).not.toThrow();
  });

  test('the four-node fixture keeps its k3OS release and defaults the rest', () => {
    const text = fixtures('valid').find(([n]) => n === 'four-nodes.yaml')![1];
    const spec = loadSpec(text, 'four-nodes.yaml');
    expect(spec.nodes).toHaveLength(4);
    expect(spec.k3s.k3osRelease).toBe('v0.33.4-k3s1-r1');
    expect(spec.services.wireguard.port).toBe(51821);
  });

  const invalid = fixtures('invalid');
  test('there are at least 15 invalid fixtures', () => {
    expect(invalid.length).toBeGreaterThanOrEqual(15);
  });

  // Each invalid fixture states the exact messages it must produce in `# expect:` lines.
  test.each(invalid)('fails when given %s, with its exact messages', (_name, text) => {
    const expectedSummary = /^# expect-summary: (.*)$/m.exec(text)![1];
    const expected = [...text.matchAll(/^# expect: (.*)$/gm)].map((m) => m[1]);
    expect(expected.length).toBeGreaterThan(0);
    // WHEN
    const { summary, problems } = problemsOf(text);
    // THEN
    expect(summary).toBe(`spec.yaml ${expectedSummary}`);
    expect(problems).toEqual(expected);
  });

  test('fails on an empty file with every required section named', () => {
    const { problems } = problemsOf('');
    expect(problems).toEqual([
      'name: is required (string)',
      'domain: is required (string)',
      'git: is required (object)',
      'k3s: is required (object)',
      'network: is required (object)',
      'nodes: is required (array)',
      'access: is required (object)',
      'storage: is required (object)',
      'placement: is required (object)',
      'services: is required (object)',
    ]);
  });

  test('formatPath writes list indexes in brackets', () => {
    expect(formatPath(['nodes', 1, 'hardware', 'cpuCores'])).toBe('nodes[1].hardware.cpuCores');
    expect(formatPath([])).toBe('');
  });
});
