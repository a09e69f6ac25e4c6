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
      copyFileSync(join(__dirname, 'rules.test.yml'), join(dir, 'rules', 'rules.test.yml'));
      const result = promtool(['test', 'rules', 'rules/rules.test.yml'], dir);
      expect(result.output).toContain('SUCCESS');
      expect(result.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

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
