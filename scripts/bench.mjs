// npm run bench [-- --runs N --cold-runs M]: how long a synth takes beside the library-load
// floor (docs/decisions/0062-...). Measured, never asserted in a test.
//
// - floor: `node -e` that only require()s, from node_modules, the packages this project's code
//   imports (cdk8s, cdk8s-plus-33's k8s, constructs, yaml, zod, ipaddr.js: the list the last bundle
//   build recorded): what any program built on them pays to start;
// - warm: `node scripts/synth.mjs` (what `npm run synth` runs) into a scratch folder that holds
//   the previous synth's outputs, with the chart cache and the caches derived from it filled;
// - cold: the same with the renders and the other derived caches (.cache/renders, verdicts,
//   yaml) emptied: every release rendered by helm, every object validated; the charts and
//   the Helm CLI stay (they are what `npm run charts` installs).
// Each is measured for the shipped cluster.yaml and for a generated cluster of 6 nodes, 20 game
// servers and 50 WireGuard peers (its failover promises raised: see generatedSpec). Warm runs and floor runs alternate, so load from elsewhere
// touches both alike; the ratio is of their medians. Cold runs use a cache folder of their own
// (HOMELAB_CACHE_DIR), so the project's warm cache is never emptied. Every child reports its own
// peak RSS and CPU time at exit (scripts/bench-usage.cjs, preloaded into floor and synth alike).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import ipaddr from 'ipaddr.js';
import { parseDocument } from 'yaml';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { runs: { type: 'string', default: '9' }, 'cold-runs': { type: 'string', default: '3' } } });
const runs = Number(values.runs);
const coldRuns = Number(values['cold-runs']);
const usage = join(root, 'scripts', 'bench-usage.cjs');
const synth = join(root, 'scripts', 'synth.mjs');
const work = mkdtempSync(join(tmpdir(), 'bench-'));

/** Runs node with `args` (the usage reporter preloaded); returns wall ms, CPU ms and peak RSS MiB. */
function measure(args, env = {}) {
  const usageFile = join(work, 'usage.json');
  rmSync(usageFile, { force: true });
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['--require', usage, ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, ...env, HOMELAB_BENCH_USAGE: usageFile },
  });
  const wall = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} failed (exit ${r.status}):\n${r.stderr}`);
  const { cpuMs, rssMiB } = JSON.parse(readFileSync(usageFile, 'utf8'));
  return { wall, cpuMs, rssMiB };
}

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function summary(samples) {
  return { wall: median(samples.map((s) => s.wall)), cpuMs: median(samples.map((s) => s.cpuMs)), rssMiB: Math.max(...samples.map((s) => s.rssMiB)) };
}

/** The packages this project's code imports, as the last bundle build recorded them: the floor loads exactly those. */
function bundlePackages() {
  return JSON.parse(readFileSync(join(root, '.build', 'main.js.packages.json'), 'utf8'));
}

/**
 * The shipped cluster grown to 6 nodes (three more Pi agents), 20 game servers and 50 WireGuard
 * peers. With 6 MetalLB speakers a VIP moves in 15 s at worst (lib/analysis/timings.ts), so the
 * ingress and DNS promise 15 s instead of the default 10 s (the promises check refuses less).
 */
const GENERATED_NODES = 6;
const GENERATED_FAILOVER_SECONDS = 15;

/** Addresses of `cidr` in order, from network + 2, skipping `taken` and the `a-b` ranges given. */
function* freeAddresses(cidr, taken, ranges) {
  const toInt = (ip) => ipaddr.IPv4.parse(ip).toByteArray().reduce((n, b) => n * 256 + b, 0);
  const fromInt = (n) => [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
  const [net, bits] = ipaddr.IPv4.parseCIDR(cidr);
  const first = toInt(net.toString()) + 2;
  const last = first - 2 + 2 ** (32 - bits) - 2;
  const used = new Set(taken.filter(Boolean).map((ip) => toInt(ip.split('/')[0])));
  const spans = ranges.filter(Boolean).map((r) => r.split('-').map(toInt));
  for (let n = first; n <= last; n++) {
    if (!used.has(n) && !spans.some(([a, b]) => n >= a && n <= b)) yield fromInt(n);
  }
}

function generatedSpec() {
  const doc = parseDocument(readFileSync(join(root, 'cluster.yaml'), 'utf8'));
  const nodes = doc.get('nodes');
  const pi = nodes.items.find((n) => n.get('role') === 'agent' && n.get('os') === 'k3os').toJSON();
  // New node and peer addresses come from the spec's own networks, clear of what it already uses.
  const lan = doc.getIn(['network', 'lan']).toJSON();
  const nodeIps = freeAddresses(
    lan.cidr,
    [lan.gateway, ...(lan.dns ?? []), doc.getIn(['router', 'address']), ...nodes.items.map((n) => n.get('ip'))],
    [lan.dhcpRange, doc.getIn(['network', 'loadBalancerPool'])],
  );
  for (let i = 2; nodes.items.length < GENERATED_NODES; i++) {
    nodes.add(doc.createNode({ ...pi, name: `${pi.name}-${i}`, ip: nodeIps.next().value }));
  }
  const wireguard = doc.getIn(['services', 'wireguard']).toJSON();
  const peerIps = freeAddresses(wireguard.tunnelCidr, (wireguard.peers ?? []).map((p) => p.address), []);
  const peers = [];
  for (let i = 0; i < 50; i++) {
    const key = createHash('sha256').update(`peer-${i}`).digest();
    key[31] &= 0xf0; // a key's last base64 character carries 2 bits: keep it canonical
    peers.push({ name: `peer-${i}`, publicKey: key.toString('base64'), address: `${peerIps.next().value}/32` });
  }
  doc.setIn(['services', 'wireguard', 'peers'], peers);
  for (const service of ['ingress', 'dns']) doc.setIn(['services', service, 'failoverWithinSeconds'], GENERATED_FAILOVER_SECONDS);
  const games = [];
  for (let i = 0; i < 20; i++) {
    games.push({
      name: `game-${i}`,
      image: 'docker.io/itzg/minecraft-server',
      version: '2025.10.2-java21',
      ports: [{ name: 'game', port: 25565, protocol: 'TCP' }],
      memoryMiB: 512,
      worldSizeGiB: 1,
    });
  }
  doc.setIn(['services', 'games'], games);
  // the storage node runs the games: give it the cores and memory they request
  const storage = nodes.items.find((n) => n.get('name') === doc.getIn(['placement', 'storageNode'])) ?? nodes.items[0];
  storage.set('hardware', { ...storage.get('hardware').toJSON(), cpuCores: 32, memoryGiB: 128 });
  return doc.toString();
}

/** A cache folder with the project's charts and Helm CLI but no renders or other derived caches. */
function coldCache() {
  const dir = mkdtempSync(join(work, 'cache-'));
  for (const name of ['charts', 'helm']) {
    if (!existsSync(join(root, '.cache', name))) throw new Error(`no chart cache in ${join(root, '.cache')}; run npm run charts first`);
    symlinkSync(join(root, '.cache', name), join(dir, name));
  }
  return dir;
}

function benchCluster(label, specArgs, floorArgs) {
  const out = mkdtempSync(join(work, 'out-'));
  const synthArgs = [synth, ...specArgs, '--out', out];
  measure(synthArgs); // warm-up: fills the outputs (the previous synth) and the caches
  const warm = [];
  const floor = [];
  for (let i = 0; i < runs; i++) {
    warm.push(measure(synthArgs));
    floor.push(measure(floorArgs));
  }
  const cold = [];
  for (let i = 0; i < coldRuns; i++) {
    const cache = coldCache();
    cold.push(measure(synthArgs, { HOMELAB_CACHE_DIR: cache }));
    rmSync(cache, { recursive: true, force: true });
  }
  return { label, warm: summary(warm), floor: summary(floor), cold: coldRuns > 0 ? summary(cold) : undefined };
}

function line(name, s, n, floor) {
  const ratio = floor ? `  ${(s.wall / floor.wall).toFixed(2)}x floor` : '';
  return `  ${name.padEnd(6)} median ${s.wall.toFixed(0).padStart(6)} ms wall, ${s.cpuMs.toFixed(0).padStart(6)} ms CPU over ${n} runs, peak RSS ${s.rssMiB.toFixed(0)} MiB${ratio}`;
}

try {
  // One synth first, so the bundle exists (and is current) before the floor reads it.
  measure([synth, '--out', mkdtempSync(join(work, 'out-'))]);
  const packages = bundlePackages();
  const floorArgs = ['-e', packages.map((p) => `require(${JSON.stringify(p)});`).join(' ')];
  const generated = join(work, 'generated.yaml');
  mkdirSync(dirname(generated), { recursive: true });
  writeFileSync(generated, generatedSpec());
  const before = loadavg();
  const results = [
    benchCluster('cluster.yaml (shipped)', [], floorArgs),
    benchCluster(`generated: ${GENERATED_NODES} nodes, 20 games, 50 peers`, ['--spec', generated], floorArgs),
  ];
  const after = loadavg();
  console.log(`node ${process.version}, ${cpus().length} cores, load average ${before.map((l) => l.toFixed(2)).join(' ')} before, ${after.map((l) => l.toFixed(2)).join(' ')} after`);
  console.log(`floor: node -e 'require(...)' of ${packages.join(', ')}`);
  for (const r of results) {
    console.log(r.label);
    console.log(line('floor', r.floor, runs));
    console.log(line('warm', r.warm, runs, r.floor));
    if (r.cold) console.log(line('cold', r.cold, coldRuns, r.floor));
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
