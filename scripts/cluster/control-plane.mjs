// A Kubernetes control plane on loopback: etcd and kube-apiserver built from source
// (tools.mjs), in a temporary folder that is removed when it stops. Every process runs under
// coreutils `timeout`, so it ends by itself even if this Node process is killed.
import { spawn, spawnSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { get as httpsGet } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const LOOPBACK = '127.0.0.1';

/** A free TCP port on loopback (the kernel picks it). */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, LOOPBACK, () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts etcd and kube-apiserver. `lifetimeSeconds` bounds every process; `serviceCidr`
 * is the cluster's service range (cluster.yaml network.serviceCidr).
 * Returns { dir, kubeconfig, kubectl(args, opts), logs, stop() }.
 */
export async function startControlPlane({ bin, serviceCidr, lifetimeSeconds = 1800, log = () => {} }) {
  const dir = mkdtempSync(join(tmpdir(), 'homelab-cluster-'));
  const procs = [];
  const logs = {};
  let stopped = false;

  const run = (name, file, args) => {
    logs[name] = join(dir, `${name}.log`);
    const out = openSync(logs[name], 'a');
    const child = spawn('timeout', ['--kill-after=10', String(lifetimeSeconds), file, ...args], {
      stdio: ['ignore', out, out],
      cwd: dir,
    });
    child.exitCodeSeen = null;
    child.on('exit', (code) => {
      child.exitCodeSeen = code ?? -1;
    });
    procs.push({ name, child });
    return child;
  };

  const stop = async () => {
    if (stopped) return;
    stopped = true;
    for (const { child } of [...procs].reverse()) {
      if (child.exitCodeSeen === null) child.kill('SIGTERM');
    }
    const deadline = Date.now() + 15000;
    while (procs.some(({ child }) => child.exitCodeSeen === null) && Date.now() < deadline) await sleep(100);
    for (const { child } of procs) if (child.exitCodeSeen === null) child.kill('SIGKILL');
    if (!process.env.CLUSTER_KEEP) rmSync(dir, { recursive: true, force: true });
  };

  try {
    const [etcdClient, etcdPeer, apiPort] = [await freePort(), await freePort(), await freePort()];
    const etcdUrl = `http://${LOOPBACK}:${etcdClient}`;
    const etcd = run('etcd', bin.etcd, [
      '--name=test',
      `--data-dir=${join(dir, 'etcd')}`,
      `--listen-client-urls=${etcdUrl}`,
      `--advertise-client-urls=${etcdUrl}`,
      `--listen-peer-urls=http://${LOOPBACK}:${etcdPeer}`,
      `--initial-advertise-peer-urls=http://${LOOPBACK}:${etcdPeer}`,
      `--initial-cluster=test=http://${LOOPBACK}:${etcdPeer}`,
      '--unsafe-no-fsync',
      '--log-level=warn',
    ]);
    await waitFor('etcd', etcd, logs.etcd, async () => {
      const r = await fetch(`${etcdUrl}/health`).catch(() => null);
      return r?.ok;
    });
    log('etcd ready');

    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    writeFileSync(join(dir, 'sa.pub'), publicKey.export({ type: 'spki', format: 'pem' }));
    writeFileSync(join(dir, 'sa.key'), privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    const token = randomBytes(24).toString('hex');
    writeFileSync(join(dir, 'tokens.csv'), `${token},admin,admin,system:masters\n`, { mode: 0o600 });
    const server = `https://${LOOPBACK}:${apiPort}`;
    const api = run('kube-apiserver', bin['kube-apiserver'], [
      `--etcd-servers=${etcdUrl}`,
      `--bind-address=${LOOPBACK}`,
      `--advertise-address=${LOOPBACK}`,
      `--secure-port=${apiPort}`,
      `--cert-dir=${join(dir, 'pki')}`,
      `--service-cluster-ip-range=${serviceCidr}`,
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      `--service-account-key-file=${join(dir, 'sa.pub')}`,
      `--service-account-signing-key-file=${join(dir, 'sa.key')}`,
      `--token-auth-file=${join(dir, 'tokens.csv')}`,
      '--authorization-mode=RBAC',
      '--allow-privileged=true',
      '--v=0',
    ]);
    const kubeconfig = join(dir, 'kubeconfig');
    const ca = join(dir, 'pki', 'apiserver.crt');
    await waitFor('kube-apiserver', api, logs['kube-apiserver'], async () => existsSync(ca));
    writeFileSync(
      kubeconfig,
      [
        'apiVersion: v1',
        'kind: Config',
        // The API server's own self-signed serving certificate (and its CA), on loopback only.
        `clusters: [{name: test, cluster: {server: "${server}", certificate-authority: "${ca}"}}]`,
        `users: [{name: admin, user: {token: "${token}"}}]`,
        'contexts: [{name: test, context: {cluster: test, user: admin}}]',
        'current-context: test',
        '',
      ].join('\n'),
      { mode: 0o600 },
    );
    const get = (path) =>
      new Promise((resolve) => {
        const req = httpsGet(`${server}${path}`, { ca: readFileSync(ca), headers: { authorization: `Bearer ${token}` } }, (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c) => (body += c));
          res.on('end', () => resolve({ status: res.statusCode, body }));
        });
        req.on('error', (e) => resolve({ status: 0, body: String(e) }));
      });
    await waitFor('kube-apiserver', api, logs['kube-apiserver'], async () => {
      const r = await get('/readyz');
      return r.status === 200 && r.body.trim() === 'ok';
    });
    log('kube-apiserver ready');

    const kubectl = (args, opts = {}) =>
      spawnSync(bin.kubectl, ['--kubeconfig', kubeconfig, `--cache-dir=${join(dir, 'kube-cache')}`, ...args], {
        encoding: 'utf8',
        maxBuffer: 256 * 1024 * 1024,
        ...opts,
      });
    return { dir, kubeconfig, server, token, kubectl, get, logs, run, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** Polls `ready` until it holds; fails with the log's tail if the process exits or 120 s pass. */
async function waitFor(name, child, logFile, ready, seconds = 120) {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    if (child.exitCodeSeen !== null) {
      throw new Error(`${name} exited with code ${child.exitCodeSeen}:\n${tail(logFile)}`);
    }
    if (await ready()) return;
    await sleep(250);
  }
  throw new Error(`${name} was not ready after ${seconds} s:\n${tail(logFile)}`);
}

function tail(file, lines = 20) {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
