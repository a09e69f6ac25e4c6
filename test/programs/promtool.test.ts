import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { alertRuleGroups } from '../../lib/observability/alert-rules';
import { prometheusCredentialsFile } from '../../lib/observability/monitoring';
import { PROMETHEUS_PATHS, prometheusConfig } from '../../lib/observability/prometheus-config';
import { loadSpec, serviceMonitoring } from '../../lib/services/registry';
import { defaultSpecText, fixtures } from '../helpers';

/*
 * The real promtool (Debian package `prometheus`, which .ci/run installs) checks the
 * generated configuration and rules, and runs the rule unit tests. Without promtool the
 * tests are skipped on a developer's machine and fail in CI.
 */
const hasPromtool = spawnSync('promtool', ['--version']).status === 0;
const promtoolTest = hasPromtool ? test : test.skip;

/**
 * The rule unit tests, one file per evaluation step: promtool evaluates every rule at every
 * step up to a test's last eval_time, so hour-scale tests at 1m steps cost thousands of
 * evaluations each (docs/decisions/0062-synth-and-test-speed.md).
 */
const RULE_TESTS = ['rules.test.yml', 'rules-5m.test.yml', 'rules-1h.test.yml'];

/** A Prometheus duration (`90s`, `1h30m`, `40d`) in seconds. */
function seconds(duration: string): number {
  const unit: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800, y: 31536000 };
  const parts = [...duration.matchAll(/(\d+)(ms|s|m|h|d|w|y)/g)];
  expect(parts.map((p) => p[0]).join('')).toBe(duration);
  return parts.reduce((sum, [, n, u]) => sum + Number(n) * unit[u], 0);
}

function promtool(args: string[], cwd: string): { status: number | null; output: string } {
  const r = spawnSync('promtool', args, { cwd, encoding: 'utf8' });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

/** Writes the spec's config and rules into a folder, with its file paths pointing there. */
function writeConfig(specText: string, name: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'promtool-'));
  const spec = loadSpec(specText, name);
  mkdirSync(join(dir, 'rules'));
  writeFileSync(join(dir, 'rules', 'homelab.yml'), stringify({ groups: alertRuleGroups(spec, serviceMonitoring(spec).ruleGroups) }));
  // promtool checks that credential files exist: stand-ins for the mounted token files.
  writeFileSync(join(dir, 'token'), 'stand-in\n');
  const config = stringify(prometheusConfig(spec, serviceMonitoring(spec).scrapeJobs))
    .split(`${PROMETHEUS_PATHS.rules}/*.yml`).join(join(dir, 'rules', '*.yml'))
    .split(PROMETHEUS_PATHS.serviceAccountToken).join(join(dir, 'token'))
    .split(prometheusCredentialsFile('home-assistant')).join(join(dir, 'token'));
  writeFileSync(join(dir, 'prometheus.yml'), config);
  return dir;
}

describe('promtool', () => {
  if (process.env.CI === 'true' && !hasPromtool) {
    test('promtool is installed in CI', () => {
      throw new Error('promtool is missing: .ci/run must install the Debian package prometheus');
    });
  }

  promtoolTest.each([['cluster.yaml', defaultSpecText()], ...fixtures('valid')])(
    'the generated configuration and rules of %s pass promtool check',
    (name, text) => {
      const dir = writeConfig(text, name);
      try {
        const config = promtool(['check', 'config', 'prometheus.yml'], dir);
        expect(config.output).toContain('SUCCESS');
        expect(config.status).toBe(0);
        const rules = promtool(['check', 'rules', 'rules/homelab.yml'], dir);
        expect(rules.status).toBe(0);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  promtoolTest('the rule unit tests pass', () => {
    const dir = writeConfig(defaultSpecText(), 'cluster.yaml');
    try {
      for (const file of RULE_TESTS) copyFileSync(join(__dirname, file), join(dir, 'rules', file));
      const result = promtool(['test', 'rules', ...RULE_TESTS.map((f) => `rules/${f}`)], dir);
      expect(result.output.match(/^ {2}SUCCESS$/gm)).toHaveLength(RULE_TESTS.length);
      expect(result.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test.each(RULE_TESTS)(
    'GIVEN %s WHEN promtool steps through it THEN every series interval, eval_time and asserted for: is on its evaluation step',
    (file) => {
      const tests = parse(readFileSync(join(__dirname, file), 'utf8'));
      const step = seconds(tests.evaluation_interval);
      const spec = loadSpec(defaultSpecText(), 'cluster.yaml');
      const forOf = new Map(alertRuleGroups(spec, serviceMonitoring(spec).ruleGroups).flatMap((g) => g.rules.map((r) => [r.alert, r.for ?? '0s'] as const)));
      const offGrid: string[] = [];
      for (const group of tests.tests) {
        const durations = [
          ['interval', group.interval ?? tests.evaluation_interval],
          ...group.alert_rule_test.flatMap((t: { eval_time: string; alertname: string }) => [
            ['eval_time', t.eval_time],
            [`for of ${t.alertname}`, forOf.get(t.alertname) ?? `(no alert ${t.alertname})`],
          ]),
        ];
        for (const [what, d] of durations) if (seconds(d) % step !== 0) offGrid.push(`${group.name}: ${what} ${d}`);
      }
      expect(offGrid).toEqual([]);
    },
  );

  promtoolTest('promtool catches a broken rule (the check can fail)', () => {
    const dir = writeConfig(defaultSpecText(), 'cluster.yaml');
    try {
      const rules = parse(readFileSync(join(dir, 'rules', 'homelab.yml'), 'utf8'));
      rules.groups[0].rules[0].expr = 'up{job="node" == 0';
      writeFileSync(join(dir, 'rules', 'homelab.yml'), stringify(rules));
      expect(promtool(['check', 'rules', 'rules/homelab.yml'], dir).status).not.toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
