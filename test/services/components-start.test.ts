import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { HomeAssistantMetricsCheck, PinnedImagesCheck, WritableDirsCheck } from '../../lib/checks/component-checks';
import { AnsibleFoldersCheck } from '../../lib/checks/node-os-checks';
import { FileSet } from '../../lib/output/file-set';
import { RenderedCluster } from '../../lib/output/rendered';
import { DLNA_IMAGE } from '../../lib/services/dlna/dlna-server';
import type { Yaml } from '../../lib/yaml/yaml';
import { synthesized } from '../helpers-render';

async function shipped(): Promise<RenderedCluster> {
  return (await synthesized()).cluster;
}

function editObject(cluster: RenderedCluster, kind: string, name: string, edit: (m: Yaml) => void): RenderedCluster {
  const objects = cluster.objects.map((o) => {
    if (o.manifest.kind !== kind || o.manifest.metadata.name !== name) return o;
    const m = JSON.parse(JSON.stringify(o.manifest));
    edit(m);
    return { ...o, manifest: m };
  });
  return { ...cluster, objects };
}

const object = (cluster: RenderedCluster, kind: string, name: string): Yaml => cluster.objects.find((o) => o.manifest.kind === kind && o.manifest.metadata.name === name)!.manifest;
const messages = async (check: { run(c: RenderedCluster): Promise<readonly { message: string }[]> }, cluster: RenderedCluster): Promise<string[]> =>
  (await check.run(cluster)).map((f) => f.message);

describe('the IPMI exporter can write its FIFO', () => {
  test('GIVEN the shipped cluster THEN the exporter keeps a read-only root filesystem and gets a memory-backed /tmp', async () => {
    const pod = object(await shipped(), 'Deployment', 'ipmi-exporter').spec.template.spec;
    expect([pod.containers[0].securityContext.readOnlyRootFilesystem, pod.containers[0].volumeMounts, pod.volumes[1]]).toEqual([
      true,
      [
        { name: 'config', mountPath: '/config', readOnly: true },
        { name: 'tmp', mountPath: '/tmp' },
      ],
      { name: 'tmp', emptyDir: { medium: 'Memory', sizeLimit: '16Mi' } },
    ]);
    expect(await messages(new WritableDirsCheck(), await shipped())).toEqual([]);
  });

  test('catches the exporter without a writable /tmp (it would never collect)', async () => {
    const broken = editObject(await shipped(), 'Deployment', 'ipmi-exporter', (m) => {
      m.spec.template.spec.containers[0].volumeMounts = m.spec.template.spec.containers[0].volumeMounts.filter((v: { name: string }) => v.name !== 'tmp');
    });
    expect(await messages(new WritableDirsCheck(), broken)).toEqual([
      'dist/observability/observability/deployment-ipmi-exporter.yaml: container ipmi-exporter (quay.io/prometheuscommunity/ipmi-exporter) writes to /tmp (FreeIPMI is given its configuration through a FIFO created in the temp dir on every collector call), but its root filesystem is read-only and nothing writable is mounted there; mount an emptyDir at /tmp',
    ]);
  });
});

describe("Home Assistant serves /api/prometheus with the configuration the cluster gives it", () => {
  test('GIVEN cluster mode THEN a package enables the prometheus integration and an init container installs it', async () => {
    const cluster = await shipped();
    const pkg = object(cluster, 'ConfigMap', 'home-assistant-homelab');
    expect(parse(pkg.data['homelab.yaml'])).toEqual({ prometheus: { namespace: 'homeassistant' } });
    const init = object(cluster, 'Deployment', 'home-assistant').spec.template.spec.initContainers[0];
    expect([init.name, init.command]).toEqual(['configure', ['/bin/sh', '/homelab/configure.sh']]);
    expect(await messages(new HomeAssistantMetricsCheck(), cluster)).toEqual([]);
  });

  test('catches a configuration without the prometheus integration, and a Deployment that does not install it', async () => {
    let broken = editObject(await shipped(), 'ConfigMap', 'home-assistant-homelab', (m) => {
      m.data['homelab.yaml'] = stringify({ http: { server_port: 8123 } });
    });
    broken = editObject(broken, 'Deployment', 'home-assistant', (m) => {
      delete m.spec.template.spec.initContainers;
    });
    expect(await messages(new HomeAssistantMetricsCheck(), broken)).toEqual([
      "dist/home/home/configmap-home-assistant-homelab.yaml: Prometheus scrapes Home Assistant's /api/prometheus, but the configuration the cluster gives it does not enable the prometheus integration; the scrape fails and HomeAssistantDown fires",
      'dist/home/home/deployment-home-assistant.yaml: no init container installs home-assistant-homelab into Home Assistant\'s configuration, so /api/prometheus is not served',
    ]);
  });

  describe('the init script, run by sh on a configuration folder', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'ha-'));
      mkdirSync(join(dir, 'config'));
      mkdirSync(join(dir, 'homelab'));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));
    async function start(): Promise<string> {
      const pkg = object(await shipped(), 'ConfigMap', 'home-assistant-homelab').data;
      writeFileSync(join(dir, 'homelab', 'homelab.yaml'), pkg['homelab.yaml']);
      const script = pkg['configure.sh'].split('/config').join(join(dir, 'config')).split('/homelab/').join(`${join(dir, 'homelab')}/`);
      const r = spawnSync('sh', ['-c', script], { encoding: 'utf8' });
      expect(r.status).toBe(0);
      return r.stderr;
    }

    test('GIVEN a first start THEN it writes a configuration that loads packages/, the files the UI writes, and the package', async () => {
      expect(await start()).toBe('');
      const config = readFileSync(join(dir, 'config', 'configuration.yaml'), 'utf8');
      expect(config).toContain('homeassistant:\n  packages: !include_dir_named packages\n');
      expect(['automations.yaml', 'scripts.yaml', 'scenes.yaml', 'packages/homelab.yaml'].map((f) => existsSync(join(dir, 'config', f)))).toEqual([true, true, true, true]);
      expect(parse(readFileSync(join(dir, 'config', 'packages', 'homelab.yaml'), 'utf8'))).toEqual({ prometheus: { namespace: 'homeassistant' } });
    });

    test("GIVEN the user's own configuration THEN it is never changed, and when it does not load packages/ the log says what to add", async () => {
      writeFileSync(join(dir, 'config', 'configuration.yaml'), 'default_config:\n');
      expect((await start()).trim()).toBe("configuration.yaml does not load packages/: add 'packages: !include_dir_named packages' under 'homeassistant:', or /api/prometheus is not served");
      expect(readFileSync(join(dir, 'config', 'configuration.yaml'), 'utf8')).toBe('default_config:\n');
    });
  });
});

describe('the Ansible play writes only into folders that exist by then', () => {
  test('the shipped play creates /etc/sanoid before sanoid.conf, and the check finds nothing', async () => {
    const cluster = await shipped();
    const names = parse(cluster.files.get('host-provisioning/ansible/roles/zfs/tasks/main.yml')!).map((t: { name: string }) => t.name);
    expect(names.indexOf('Create the sanoid configuration folder')).toBe(names.indexOf('Configure sanoid snapshots') - 1);
    expect(await messages(new AnsibleFoldersCheck(), cluster)).toEqual([]);
  });

  test('catches sanoid.conf copied into a folder nothing creates (the first run stopped there)', async () => {
    const cluster = await shipped();
    const path = 'host-provisioning/ansible/roles/zfs/tasks/main.yml';
    const files = new FileSet();
    for (const [p, c] of cluster.files.entries()) {
      files.add(p, p === path ? stringify(parse(c).filter((t: { name: string }) => t.name !== 'Create the sanoid configuration folder')) : c);
    }
    expect(await messages(new AnsibleFoldersCheck(), { ...cluster, files })).toEqual([
      `${path}: task "Configure sanoid snapshots" writes /etc/sanoid/sanoid.conf, but nothing before it creates /etc/sanoid (Debian does not have it); the first run stops there`,
    ]);
  });
});

describe('every pinned image is the tag checked upstream', () => {
  test('the shipped cluster and every rendered pin match the catalogue (Gerbera 3.2.1, the newest release)', async () => {
    expect(DLNA_IMAGE).toBe('docker.io/gerbera/gerbera:3.2.1');
    expect(await messages(new PinnedImagesCheck(), await shipped())).toEqual([]);
  });

  test('catches gerbera/gerbera:3.3.0, a tag that was never released (the DLNA pod could not pull it)', async () => {
    const broken = editObject(await shipped(), 'Deployment', 'dlna', (m) => {
      m.spec.template.spec.containers[0].image = 'docker.io/gerbera/gerbera:3.3.0';
    });
    expect(await messages(new PinnedImagesCheck(), broken)).toEqual([
      'dist/media/media/deployment-dlna.yaml: docker.io/gerbera/gerbera:3.3.0 is not the checked pin; the image catalogue has 3.2.1 (gerbera/gerbera tag v3.2.1 (2026-03-22, newest; there is no 3.3.0), checked 2026-12-01): check the tag upstream and record it in lib/images.ts',
    ]);
  });
});
