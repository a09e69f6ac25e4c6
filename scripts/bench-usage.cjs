// Preloaded by npm run bench (node --require) into every process it times, the floor and synth
// alike: at exit, writes the process's own CPU time and peak resident memory to the file
// HOMELAB_BENCH_USAGE names (GNU time is not needed, and nothing is added to the output).
const { writeFileSync } = require('node:fs');

const file = process.env.HOMELAB_BENCH_USAGE;
if (file) {
  process.on('exit', () => {
    const u = process.resourceUsage();
    writeFileSync(file, JSON.stringify({ cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000, rssMiB: u.maxRSS / 1024 }));
  });
}
