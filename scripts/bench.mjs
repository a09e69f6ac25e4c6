// npm run bench [-- RUNS]: times a full synth of the shipped cluster.yaml, as `npm run synth`
// runs it (node scripts/synth.mjs: the esbuild bundle of main.ts), beside the cdk8s default
// path (npx ts-node main.ts), each into a scratch folder, after one warm-up run. Prints medians and the ratio. Peak memory
// comes from GNU time when it is installed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const runs = Number(process.argv[2] ?? 7);
const gnuTime = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

function measure(label, command, args) {
  const out = mkdtempSync(join(tmpdir(), 'bench-'));
  const times = [];
  const rss = [];
  try {
    for (let i = 0; i <= runs; i++) {
      const full = gnuTime ? [gnuTime, '-f', '%M', command, ...args, '--out', out] : [command, ...args, '--out', out];
      const start = process.hrtime.bigint();
      const r = spawnSync(full[0], full.slice(1), { encoding: 'utf8' });
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      if (r.status !== 0) {
        throw new Error(`${label} failed:\n${r.stderr}`);
      }
      if (i > 0) {
        times.push(ms);
        if (gnuTime) rss.push(Number(r.stderr.trim().split('\n').pop()) / 1024);
      }
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  return { label, ms: median(times), rssMiB: rss.length ? median(rss) : undefined };
}

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

const ours = measure('synth (node scripts/synth.mjs)', process.execPath, ['scripts/synth.mjs']);
const tsNode = measure('cdk8s default (npx ts-node main.ts)', 'npx', ['ts-node', 'main.ts']);
for (const r of [ours, tsNode]) {
  const mem = r.rssMiB === undefined ? '' : `, peak RSS ${r.rssMiB.toFixed(0)} MiB`;
  console.log(`${r.label.padEnd(40)} median ${r.ms.toFixed(0)} ms over ${runs} runs${mem}`);
}
console.log(`ratio synth / ts-node: ${(ours.ms / tsNode.ms).toFixed(2)}`);
