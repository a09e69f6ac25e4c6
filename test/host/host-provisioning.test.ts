import { parse } from 'yaml';
import { HostConsistencyCheck, K3osConfigCheck } from '../../lib/checks';
import { FileSet } from '../../lib/output/file-set';
import { RenderedCluster } from '../../lib/output/rendered';
import type { Yaml } from '../../lib/yaml/yaml';
import { synthesized } from '../helpers-render';

async function shipped(): Promise<RenderedCluster> {
  return (await synthesized()).cluster;
}

/** The same cluster with one rendered file edited, as if a generator had got it wrong. */
function tamper(cluster: RenderedCluster, path: string, edit: (content: string) => string): RenderedCluster {
  const files = new FileSet();
  for (const [p, c] of cluster.files.entries()) {
    files.add(p, p === path ? edit(c) : c);
  }
  expect(files.get(path)).not.toBe(cluster.files.get(path));
  return { ...cluster, files };
}

describe('k3OS configs', () => {
  test('the server runs k3s with the flags the layers need, the audit policy and the bootstrap manifests', async () => {
    const config = parse((await shipped()).files.get('host-provisioning/k3os/pi-cp.yaml')!);
    expect(config.k3os.k3s_args).toEqual([
      'server',
      '--flannel-backend=none',
      '--disable-network-policy',
      '--disable=servicelb',
      '--disable=traefik',
      '--cluster-cidr=10.42.0.0/16',
      '--service-cidr=10.43.0.0/16',
      '--protect-kernel-defaults',
      '--kubelet-arg=streaming-connection-idle-timeout=5m',
      '--kubelet-arg=tls-cipher-suites=TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305,TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305',
      '--kubelet-arg=pod-max-pids=4096',
      '--kubelet-arg=seccomp-default=true',
      '--secrets-encryption',
      '--node-ip=192.168.10.11',
      '--node-taint=node-role.kubernetes.io/control-plane=true:NoSchedule',
      '--write-kubeconfig-mode=0600',
      '--kube-apiserver-arg=audit-policy-file=/var/lib/rancher/k3s/server/audit-policy.yaml',
      '--kube-apiserver-arg=audit-log-path=/var/lib/rancher/k3s/server/logs/audit.log',
      '--kube-apiserver-arg=audit-log-maxage=30',
      '--kube-apiserver-arg=audit-log-maxbackup=10',
      '--kube-apiserver-arg=audit-log-maxsize=100',
      '--kube-apiserver-arg=enable-admission-plugins=NodeRestriction,EventRateLimit',
      '--kube-apiserver-arg=admission-control-config-file=/var/lib/rancher/k3s/server/psa.yaml',
      '--kube-apiserver-arg=service-account-extend-token-expiration=false',
      '--kube-controller-manager-arg=terminated-pod-gc-threshold=10',
    ]);
    expect(config.k3os.token).toBe('REPLACE_WITH_K3S_TOKEN');
    expect(config.write_files.map((f: { path: string }) => f.path)).toEqual([
      '/var/lib/connman/homelab.config',
      '/var/lib/rancher/k3s/server/audit-policy.yaml',
      '/var/lib/rancher/k3s/server/psa.yaml',
      '/var/lib/rancher/k3s/server/manifests/05-calico-crds.yaml',
      '/var/lib/rancher/k3s/server/manifests/10-calico.yaml',
      '/var/lib/rancher/k3s/server/manifests/20-flux.yaml',
      '/var/lib/rancher/k3s/server/manifests/30-flux-sync.yaml',
    ]);
    expect(config.k3os.modules).toEqual(['wireguard', 'br_netfilter', 'overlay']);
  });

  test('an agent joins the server by its address and carries no manifests, only its static address', async () => {
    const config = parse((await shipped()).files.get('host-provisioning/k3os/pi-worker.yaml')!);
    expect([config.k3os.server_url, config.k3os.k3s_args, config.write_files]).toEqual([
      'https://192.168.10.11:6443',
      ['agent', '--node-ip=192.168.10.12', '--protect-kernel-defaults', ...[
        '--kubelet-arg=streaming-connection-idle-timeout=5m',
        '--kubelet-arg=tls-cipher-suites=TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305,TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305',
        '--kubelet-arg=pod-max-pids=4096',
        '--kubelet-arg=seccomp-default=true',
      ]],
      [
        {
          path: '/var/lib/connman/homelab.config',
          owner: 'root',
          permissions: '0644',
          content:
            '[service_lan]\nType = ethernet\nIPv4 = 192.168.10.12/24/192.168.10.1\nIPv6 = off\n' +
            'Nameservers = 192.168.10.1\nTimeservers = 0.debian.pool.ntp.org,1.debian.pool.ntp.org\n',
        },
      ],
    ]);
  });

  test('the schema check catches a misspelled key and a bad file mode', async () => {
    const broken = tamper(await shipped(), 'host-provisioning/k3os/pi-worker.yaml', (c) =>
      c.replace('  k3s_args:', '  k3s_arg:').replace('    permissions: "0644"', "    permissions: '644'"),
    );
    expect((await new K3osConfigCheck().run(broken)).map((f) => f.message)).toEqual([
      "host-provisioning/k3os/pi-worker.yaml: write_files[0].permissions: must be an octal mode string such as '0644'",
      'host-provisioning/k3os/pi-worker.yaml: k3os.k3s_arg: not a k3OS configuration key',
    ]);
  });
});

describe('HostConsistencyCheck', () => {
  const check = new HostConsistencyCheck();

  test('passes the shipped cluster', async () => {
    expect(await check.run(await shipped())).toEqual([]);
  });

  test('catches a mismatched flag on the server', async () => {
    const broken = tamper(await shipped(), 'host-provisioning/k3os/pi-cp.yaml', (c) => c.replace('--flannel-backend=none', '--flannel-backend=vxlan'));
    expect((await check.run(broken)).map((f) => f.message)).toEqual([
      'host-provisioning/k3os/pi-cp.yaml: k3s flannel-backend is "vxlan", but the networking layer requires "none"',
    ]);
  });

  test('catches an audit log the collector does not read', async () => {
    const broken = tamper(await shipped(), 'host-provisioning/k3os/pi-cp.yaml', (c) => c.replace('audit-log-path=/var/lib/rancher/k3s/server/logs/audit.log', 'audit-log-path=/var/log/kube-audit.log'));
    expect((await check.run(broken)).map((f) => f.message)).toEqual([
      'host-provisioning/k3os/pi-cp.yaml: the API audit log goes to /var/log/kube-audit.log, but the log collector reads /var/lib/rancher/k3s/server/logs/audit.log',
    ]);
  });

  test('catches a log collector that does not mount the audit log folder', async () => {
    const cluster = await shipped();
    const objects = cluster.objects.map((o) => {
      if (o.manifest.kind !== 'DaemonSet' || o.manifest.metadata.name !== 'alloy-k3os') return o;
      const m = JSON.parse(JSON.stringify(o.manifest));
      m.spec.template.spec.volumes = m.spec.template.spec.volumes.filter((v: { hostPath?: { path: string } }) => v.hostPath?.path !== '/var/lib/rancher/k3s/server/logs');
      return { ...o, manifest: m };
    });
    expect((await check.run({ ...cluster, objects })).map((f) => f.message)).toEqual([
      'dist/observability/observability/daemonset-alloy-k3os.yaml: the log collector does not mount /var/lib/rancher/k3s/server/logs, where the API audit log is written',
    ]);
  });

  test('catches a node on another k3s version', async () => {
    const cluster = await shipped();
    const version = cluster.spec.k3s.version;
    const broken = tamper(cluster, 'host-provisioning/ansible/inventory.yml', (c) => c.replace(`k3s_version: ${version}`, 'k3s_version: v1.34.1+k3s1'));
    expect((await check.run(broken)).map((f) => f.message)).toEqual([
      `host-provisioning/ansible/inventory.yml: atlas installs k3s v1.34.1+k3s1, but the spec says ${version}`,
    ]);
  });

  test('catches a Pi flashed with another k3OS release', async () => {
    const cluster = await shipped();
    const release = cluster.spec.k3s.k3osRelease!;
    const broken = tamper(cluster, 'host-provisioning/k3os/images.txt', (c) => c.replace(`pi-worker ${release}`, 'pi-worker v0.33.8-k3s1-r1'));
    expect((await check.run(broken)).map((f) => f.message)).toEqual([
      `host-provisioning/k3os/images.txt: pi-worker is flashed with k3OS v0.33.8-k3s1-r1, but the spec says ${release}`,
    ]);
  });

  /** The shipped cluster with one upgrade Plan's spec edited. */
  async function withPlan(name: string, edit: (spec: Record<string, Yaml>) => void): Promise<RenderedCluster> {
    const cluster = await shipped();
    const objects = cluster.objects.map((o) => {
      if (o.manifest.kind !== 'Plan' || o.manifest.metadata.name !== name) return o;
      const m = JSON.parse(JSON.stringify(o.manifest));
      edit(m.spec);
      return { ...o, manifest: m };
    });
    return { ...cluster, objects };
  }

  test('catches an upgrade plan pinned to another version than the spec', async () => {
    const broken = await withPlan('k3s-agent', (spec) => (spec.version = 'v1.34.1+k3s1'));
    expect((await check.run(broken)).map((f) => f.message)).toEqual([
      'dist/upgrades/system-upgrade/plan-k3s-agent.yaml: plan k3s-agent upgrades to v1.34.1+k3s1, but the spec says v1.33.11+k3s1',
    ]);
  });

  test('catches a node no plan upgrades, and a plan that would put k3s on a k3OS node', async () => {
    const broken = await withPlan('k3s-agent', (spec) => (spec.nodeSelector.matchExpressions[0].values = ['pi-worker']));
    expect((await check.run(broken)).map((f) => f.message)).toEqual([
      'dist/upgrades/system-upgrade/plan-k3s-agent.yaml: plan k3s-agent upgrades k3s on Debian, but it selects pi-worker, which runs k3os',
      'upgrade plans: atlas is upgraded by no plan; exactly one must select it',
      'upgrade plans: pi-worker is upgraded by 2 plans (k3os-agent, k3s-agent); exactly one must select it',
    ]);
  });

  test('catches a StorageClass on a dataset Ansible does not create', async () => {
    const broken = tamper(await shipped(), 'host-provisioning/ansible/roles/zfs/tasks/main.yml', (c) => c.replace('- tank/games\n', '- tank/gamez\n'));
    expect((await check.run(broken)).map((f) => f.message)).toEqual([
      'dist/storage/storageclass-nfs-games-29db49.yaml: StorageClass nfs-games-29db49 uses dataset tank/games, which the Ansible ZFS role does not create',
    ]);
  });
});
