// npm run bench:limits: the input-size promises of issue 15, measured (not asserted in tests):
// a cluster with 1000 WireGuard peers and 200 game servers synthesizes in under 5 s, and a
// 10 MB file of junk keys is refused in under 1 s. Both run as `npm run synth` does (the
// esbuild bundle), into scratch folders; medians after one warm-up run.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDocument } from 'yaml';

const runs = Number(process.argv[2] ?? 3);
const work = mkdtempSync(join(tmpdir(), 'bench-limits-'));

/** The shipped cluster, grown: a /16 LAN with a 512-address pool, 1000 peers, 200 games, a larger storage node. */
function bigSpec() {
  const doc = parseDocument(readFileSync('cluster.yaml', 'utf8'));
  doc.setIn(['network', 'lan', 'cidr'], '192.168.0.0/16');
  doc.setIn(['network', 'loadBalancerPool'], '192.168.20.0-192.168.21.255');
  doc.setIn(['services', 'wireguard', 'tunnelCidr'], '10.8.0.0/22');
  const peers = [];
  for (let i = 0; i < 1000; i++) {
    const key = createHash('sha256').update(`peer-${i}`).digest();
    key[31] &= 0xf0; // a key's last base64 character carries 2 bits: keep it canonical
    const n = i + 2;
    peers.push({ name: `peer-${i}`, publicKey: key.toString('base64'), address: `10.8.${Math.floor(n / 256)}.${n % 256}/32` });
  }
  doc.setIn(['services', 'wireguard', 'peers'], peers);
  const games = [];
  for (let i = 0; i < 200; i++) {
    games.push({
      name: `game-${i}`,
      image: 'docker.io/itzg/minecraft-server',
      version: '2025.10.2-java21',
      ports: [{ name: 'game', port: 25565, protocol: 'TCP' }],
      memoryMiB: 256,
      worldSizeGiB: 1,
    });
  }
  doc.setIn(['services', 'games'], games);
  const nodes = doc.get('nodes');
  nodes.items[0].set('hardware', { ...nodes.items[0].get('hardware').toJSON(), memoryGiB: 512, cpuCores: 256 });
  return doc.toString();
}

function junk() {
  let text = '';
  for (let i = 0; text.length < 10 * 1024 * 1024; i++) text += `junk-key-${i}: ${i}\n`;
  return text;
}

function time(label, args, expectStatus) {
  const times = [];
  for (let i = 0; i <= runs; i++) {
    const out = mkdtempSync(join(work, 'out-'));
    const start = process.hrtime.bigint();
    const r = spawnSync(process.execPath, ['scripts/synth.mjs', ...args, '--out', out], { encoding: 'utf8' });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (r.status !== expectStatus) throw new Error(`${label}: exit ${r.status}\n${r.stderr.slice(0, 2000)}`);
    if (i > 0) times.push(ms);
    rmSync(out, { recursive: true, force: true });
  }
  times.sort((a, b) => a - b);
  console.log(`${label.padEnd(48)} median ${times[Math.floor(times.length / 2)].toFixed(0)} ms over ${runs} runs`);
}

try {
  writeFileSync(join(work, 'big.yaml'), bigSpec());
  writeFileSync(join(work, 'junk.yaml'), junk());
  time('1000 peers, 200 games: synth', ['--spec', join(work, 'big.yaml')], 0);
  time('10 MB of junk keys: refused', ['--spec', join(work, 'junk.yaml')], 1);
} finally {
  rmSync(work, { recursive: true, force: true });
}
