import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { DEBIAN_RELEASES, debianRelease } from '../../lib/host/node-os';
import { CHROOT_SKIPPED_TAGS } from '../../lib/host/task-tags';
import { RenderedCluster } from '../../lib/output/rendered';
import { defaultSpecText, fixtures, REPO } from '../helpers';
import type { Yaml } from '../../lib/yaml/yaml';
import { synthesized } from '../helpers-render';

const fourNodes = fixtures('valid').find(([n]) => n === 'four-nodes.yaml')![1];
const rendered = async (text: string): Promise<RenderedCluster> => (await synthesized(text, 'spec.yaml')).cluster;
type Task = { name: string; tags?: string[]; [module: string]: Yaml };
const tasks = (c: RenderedCluster, role: string): Task[] => parse(c.files.get(`host-provisioning/ansible/roles/${role}/tasks/main.yml`)!);

describe('Debian release per node', () => {
  test('a debian node without debianRelease runs trixie, the current stable', async () => {
    const c = await rendered(defaultSpecText());
    expect(debianRelease(c.spec.nodes[0]).codename).toBe('trixie');
    expect(parse(c.files.get('host-provisioning/ansible/inventory.yml')!).all.children.debian.hosts.atlas.debian_release).toBe('trixie');
  });

  test('GIVEN the shipped cluster (trixie) THEN ZFS comes from trixie contrib, with no backports and no pin', async () => {
    const zfs = tasks(await rendered(defaultSpecText()), 'zfs');
    expect(zfs[0]['ansible.builtin.copy'].content).toBe(
      'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: trixie trixie-updates\nComponents: contrib\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n',
    );
    expect(zfs[1]).toEqual({ name: 'Remove the ZFS pin of an earlier release', 'ansible.builtin.file': { path: '/etc/apt/preferences.d/90_zfs', state: 'absent' } });
  });

  test('GIVEN a bookworm storage node (four-nodes fixture) THEN ZFS comes from bookworm-backports, pinned', async () => {
    const c = await rendered(fourNodes);
    const zfs = tasks(c, 'zfs');
    expect(parse(c.files.get('host-provisioning/ansible/inventory.yml')!).all.children.debian.hosts.nas.debian_release).toBe('bookworm');
    expect(zfs[0]['ansible.builtin.copy'].content).toBe(
      [
        'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: bookworm bookworm-updates\nComponents: contrib\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg',
        'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: bookworm-backports\nComponents: main contrib\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n',
      ].join('\n\n'),
    );
    expect(zfs[1]['ansible.builtin.copy'].content).toBe('Package: src:zfs-linux\nPin: release n=bookworm-backports\nPin-Priority: 990\n');
  });

  test('the release facts name the versions of what the scripts rely on in each release', () => {
    expect(Object.fromEntries(Object.values(DEBIAN_RELEASES).map((r) => [r.codename, [r.version, r.restic, r.sanoid, r.zfs.suite]]))).toEqual({
      trixie: [13, '0.18.0', '2.2.0', 'trixie'],
      bookworm: [12, '0.14.0', '2.1.0', 'bookworm-backports'],
    });
  });
});

describe('the converge test skips only what a chroot cannot run', () => {
  test('every skipped task carries a tag with a reason, and the rest (dirs, files, packages, users, cron) is untagged', async () => {
    const c = await rendered(defaultSpecText());
    const skipped: string[] = [];
    for (const role of ['base', 'k3s', 'zfs', 'storage', 'ipmi']) {
      for (const t of tasks(c, role)) {
        for (const tag of t.tags ?? []) {
          expect(`${role}: ${t.name}: ${tag in CHROOT_SKIPPED_TAGS}`).toBe(`${role}: ${t.name}: true`);
        }
        if ((t.tags ?? []).length > 0) skipped.push(`${role}: ${t.name}`);
      }
    }
    expect(skipped).toEqual([
      'base: Load the kernel modules now',
      'base: Run auditd',
      'k3s: Download k3s and verify it against the published checksums',
      'k3s: Run k3s',
      'zfs: Install the ZFS kernel module (DKMS)',
      'zfs: Create partition homelab-slog-tank-0 on /dev/disk/by-id/nvme-Samsung_SSD_980_PRO_1TB_S5GXNF0R000001',
      'zfs: Create partition homelab-l2arc-tank-0 on /dev/disk/by-id/nvme-Samsung_SSD_980_PRO_1TB_S5GXNF0R000001',
      'zfs: Create partition homelab-slog-tank-1 on /dev/disk/by-id/nvme-Samsung_SSD_980_PRO_1TB_S5GXNF0R000002',
      'zfs: Create partition homelab-l2arc-tank-1 on /dev/disk/by-id/nvme-Samsung_SSD_980_PRO_1TB_S5GXNF0R000002',
      'zfs: Check whether pool tank exists',
      'zfs: Create pool tank',
      'zfs: Create dataset tank/media with its properties',
      'zfs: Create dataset tank/games with its properties',
      'zfs: Create dataset tank/apps with its properties',
      'zfs: Create dataset tank/monitoring with its properties',
      'storage: Run the NFS server',
      'ipmi: Load the kernel modules now',
      'ipmi: Forward the system event log to the journal',
    ]);
  });

  test('CI converges the shipped cluster (trixie) and the bookworm fixture', () => {
    const ci = readFileSync(join(REPO, '.ci', 'run'), 'utf8');
    expect(ci).toContain('bash scripts/converge-test.sh cluster.yaml');
    expect(ci).toContain('bash scripts/converge-test.sh test/fixtures/valid/four-nodes.yaml');
  });
});
