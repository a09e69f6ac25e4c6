import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { coverage, coverageMarkdown } from '../../lib/observability/coverage';
import { serviceMonitoring } from '../../lib/services/registry';
import { ipmiExporterConfigTemplate } from '../../lib/observability/ipmi-module';
import { nodeBudgetMarkdown } from '../../lib/report/node-budget';
import { REPO } from '../helpers';
import { synthesized } from '../helpers-render';

/** Every signal the design notes ask to monitor (issue "Observability"). */
const REQUIRED_SIGNALS = [
  'IPMI sensors: temperatures, fans, voltages, power supplies',
  'IPMI system event log (SEL)',
  'Node Linux performance metrics',
  'ZFS ARC and L2ARC',
  'ZFS pool health',
  'Node system logs',
  'SELinux / auditd audit events',
  'Kubernetes object metrics (kube-state-metrics)',
  'Kubelet metrics',
  'Kubernetes events',
  'Kubernetes API audit log',
  'Ingress metrics (Traefik)',
  'Ingress access logs',
  'Per-container usage metrics (cAdvisor)',
  'Per-process usage metrics',
  'Container logs',
  'Router firewall logs',
  'Router statistics (firewall drops, errors)',
  'DHCP logs',
  'WiFi events',
  'WiFi throughput',
  'Home Assistant sensor metrics',
  'Home Assistant event logs',
  'Disk SMART health, attributes and temperatures',
  'Disk self-tests',
  'ZFS scrub results',
  'ZFS snapshot freshness (sanoid)',
  'Off-site backups (restic)',
  'BMC watchdog',
];

/** Which Prometheus job scrapes what each metrics collector serves. */
const JOBS: Record<string, string[]> = {
  'node-exporter': ['node'],
  'process-exporter': ['process'],
  'kube-state-metrics': ['kube-state-metrics'],
  'ipmi-exporter': ['ipmi'],
  'snmp-exporter': ['snmp'],
  'smartctl-exporter': ['smartctl'],
  prometheus: ['kubelet', 'cadvisor', 'traefik', 'home-assistant'],
};

describe('observability coverage of the shipped cluster', () => {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let rendered: { spec: any; objects: any[]; files: string[] };
  beforeAll(async () => {
    const { cluster } = await synthesized();
    rendered = { spec: cluster.spec, objects: cluster.objects.map((o) => o.manifest), files: [...cluster.files.entries()].map(([p]) => p) };
  });
  const configMap = (name: string): Record<string, string> =>
    rendered.objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === name).data;

  test('every signal of the design notes has a row', () => {
    expect(coverage(rendered.spec, serviceMonitoring(rendered.spec).coverage).map((r) => r.signal).sort()).toEqual([...REQUIRED_SIGNALS].sort());
  });

  test('every row names a rendered collector, a real dashboard panel querying what it stores, and a rendered alert', () => {
    const workloads = new Set(rendered.objects.filter((o) => ['Deployment', 'DaemonSet'].includes(o.kind) && o.metadata.namespace === 'observability').map((o) => o.metadata.name));
    const dashboards = Object.values(configMap('grafana-dashboards')).map((json) => JSON.parse(json));
    const rules = parse(configMap('prometheus-rules')['homelab.yml']).groups.flatMap((g: { rules: { alert: string }[] }) => g.rules.map((r) => r.alert));
    const jobs = parse(configMap('prometheus-config')['prometheus.yml']).scrape_configs.map((j: { job_name: string }) => j.job_name);
    // The node agent runs as one DaemonSet per node OS (alloy-debian, alloy-k3os), each with its configuration.
    const nodeAgents = [...workloads].filter((w) => /^alloy-(debian|k3os)$/.test(w));
    const alloy = [...nodeAgents.map((w) => `${w}-config`), 'alloy-gateway-config'].map((c) => configMap(c)['config.alloy']).join('');
    for (const row of coverage(rendered.spec, serviceMonitoring(rendered.spec).coverage)) {
      const where = row.signal;
      if (row.onHost) {
        // A host service on the storage node: Ansible installs its unit.
        const unit = `host-provisioning/ansible/roles/disk-health/files/${row.collector}.service`;
        expect(`${where}: ${rendered.files.includes(unit)}`).toBe(`${where}: true`);
      } else {
        expect(`${where}: ${workloads.has(row.collector) || (row.collector === 'alloy' && nodeAgents.length > 0)}`).toBe(`${where}: true`);
      }
      const dashboard = dashboards.find((d) => d.uid === row.dashboard);
      const panel = dashboard?.panels.find((p: { title: string }) => p.title === row.panel);
      expect(`${where}: ${panel?.targets[0].expr.includes(row.stored)}`).toBe(`${where}: true`);
      if ('rule' in row.alert) {
        expect(`${where}: ${rules.includes(row.alert.rule)}`).toBe(`${where}: true`);
      }
      if (row.collector.startsWith('alloy')) {
        const job = /job=~?"([^"|]+)/.exec(row.stored)?.[1] ?? 'containers';
        expect(`${where}: ${alloy.includes(`job = "${job}"`) || alloy.includes(`job_name   = "${job}"`)}`).toBe(`${where}: true`);
      } else {
        expect(`${where}: ${JOBS[row.collector].some((j) => jobs.includes(j))}`).toBe(`${where}: true`);
      }
    }
  });

  test('the README shows the coverage table as generated', () => {
    expect(readFileSync(join(REPO, 'README.md'), 'utf8')).toContain(coverageMarkdown(rendered.spec, serviceMonitoring(rendered.spec).coverage));
  });

  test('the README shows the ipmi_exporter module the alerts need, as generated', () => {
    expect(readFileSync(join(REPO, 'README.md'), 'utf8')).toContain(`\`\`\`yaml\n${ipmiExporterConfigTemplate()}\`\`\``);
  });

  test('the README states the per-node resource budget as computed', async () => {
    const { cluster } = await synthesized();
    expect(readFileSync(join(REPO, 'README.md'), 'utf8')).toContain(nodeBudgetMarkdown(cluster));
  });
});
