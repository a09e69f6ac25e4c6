// npm run synth: runs main.ts as one JavaScript bundle (.build/main.js), rebuilt with esbuild
// only when a source file (or package-lock.json, or this file) is newer than it. esbuild strips
// types and does not type-check (npm test does), so a synth costs the bundle's start-up, not a
// compiler's. The bundle holds the libraries too (cdk8s, cdk8s-plus, constructs, yaml, zod), and
// runs from V8's code cache of its last run: most of a warm synth's start-up was Node parsing and
// compiling the same library functions again (docs/decisions/0062-...).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { mapStack } from './stack-map.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bundle = join(root, '.build', 'main.js');

function newestSource() {
  let newest = statSync(join(root, 'main.ts')).mtimeMs;
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(full).mtimeMs);
    }
  };
  ['lib', 'charts', 'imports'].forEach((d) => walk(join(root, d)));
  // this launcher shapes the bundle too
  return Math.max(newest, statSync(join(root, 'package-lock.json')).mtimeMs, statSync(fileURLToPath(import.meta.url)).mtimeMs);
}

if (!existsSync(bundle) || statSync(bundle).mtimeMs < newestSource()) {
  // esbuild is loaded only to build (loading it costs as much as a tenth of a synth)
  const { buildSync } = createRequire(import.meta.url)('esbuild');
  const result = buildSync({
    entryPoints: [join(root, 'main.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile: bundle,
    write: false,
    // The libraries go into the bundle (one file, one code cache, see loadBundle); the
    // ES-module-only schema packages stay in node_modules and keep their import().
    external: ['kubernetes-models', 'kubernetes-models/*', '@kubernetes-models/*', 'esbuild'],
    metafile: true,
    sourcemap: 'linked',
    logLevel: 'warning',
  });
  const [map, js] = result.outputFiles.sort((a, b) => (a.path.endsWith('.map') ? -1 : b.path.endsWith('.map') ? 1 : 0));
  // The packages this project's own code imports (what npm run bench's floor loads).
  const packages = new Set();
  for (const [input, { imports }] of Object.entries(result.metafile.inputs)) {
    if (input.includes('node_modules/')) continue;
    for (const i of imports) if (i.path.includes('node_modules/') && i.original && !i.original.startsWith('.')) packages.add(i.original);
  }
  // Written under temporary names and renamed, so a synth running at the same time reads a whole bundle.
  for (const [file, text] of [
    [map.path, map.text],
    [js.path, memoizeNamespaces(js.text)],
    [`${bundle}.packages.json`, `${JSON.stringify([...packages].sort())}\n`],
  ]) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(`${file}.${process.pid}.tmp`, text);
    renameSync(`${file}.${process.pid}.tmp`, file);
  }
}

/**
 * esbuild turns each `import * as k8s from '...'` of a CommonJS package into `__toESM(require(...))`,
 * which copies every export (cdk8s-plus's k8s module has over a thousand) into a new namespace
 * object, once per importing file. Memoizing it (same module, same mode: the same namespace)
 * saves that. The line is prepended to an existing one, so the source map stays right.
 */
function memoizeNamespaces(text) {
  const anchor = '\nvar __toCommonJS = ';
  if (!text.includes('\nvar __toESM = ') || !text.includes(anchor)) return text;
  const memo =
    '__toESM = ((toESM, seen = [new WeakMap(), new WeakMap()]) => (mod, isNodeMode) => { if (mod === null || (typeof mod !== "object" && typeof mod !== "function")) return toESM(mod, isNodeMode); const m = seen[isNodeMode ? 1 : 0]; let ns = m.get(mod); if (ns === undefined) m.set(mod, (ns = toESM(mod, isNodeMode))); return ns; })(__toESM); ';
  return text.replace(anchor, `\n${memo}var __toCommonJS = `);
}
// Run the bundle in this process (one Node start, not two), as main.ts does when run itself.
// Source maps stay off (Node would read the 4 MB map on every start); only the stack of an
// internal error is translated to the TypeScript sources, with the map read then.
const { exports: { run }, saveCodeCache } = loadBundle(bundle);
run(process.argv.slice(2)).then(
  (r) => {
    process.stdout.write(r.stdout);
    process.stderr.write(r.stderr);
    process.exitCode = r.exitCode;
    // a cache made after a whole synth holds the functions a synth runs; --help compiles few
    if (r.exitCode === 0 && !process.argv.some((a) => ['--help', '--print-schema', '--restore'].includes(a))) saveCodeCache();
  },
  (e) => {
    process.stderr.write(`internal error (a bug; please report it):\n${e instanceof Error ? mapStack(String(e.stack), bundle) : String(e)}\n`);
    process.exitCode = 2;
  },
);


/**
 * Loads the CommonJS bundle as require() would, with V8's code cache: the bytecode of the
 * bundle's functions that the last run compiled (`<bundle>.v8cache`, written after a run, so it
 * holds the functions a synth calls, not only the top level). The cache is keyed by the sha256
 * of the bundle's text (V8's own check looks only at its length) and rewritten when V8 rejects
 * it (another Node version). Returns the bundle's exports and the function that saves the cache.
 */
function loadBundle(file) {
  const source = readFileSync(file, 'utf8');
  const digest = createHash('sha256').update(source).digest();
  const cacheFile = `${file}.v8cache`;
  let cachedData;
  try {
    const bytes = readFileSync(cacheFile);
    if (bytes.subarray(0, digest.length).equals(digest)) cachedData = bytes.subarray(digest.length);
  } catch {
    // no cache yet
  }
  // import() compiled into a script from a code cache fails (nodejs/node#43663): the bundle's
  // ES-module validators are imported by this module instead (lib/checks/kubernetes-schema-check.ts).
  globalThis[Symbol.for('homelab-cluster.import')] = (specifier) => import(specifier);
  const script = new vm.Script(Module.wrap(source), { filename: file, cachedData });
  const mod = new Module(file);
  mod.filename = file;
  mod.paths = Module._nodeModulePaths(dirname(file));
  mod.loaded = true;
  const require = createRequire(file);
  script.runInThisContext().call(mod.exports, mod.exports, require, mod, file, dirname(file));
  return {
    exports: mod.exports,
    saveCodeCache: () => {
      if (cachedData && !script.cachedDataRejected) return;
      try {
        const tmp = `${cacheFile}.${process.pid}.tmp`;
        writeFileSync(tmp, Buffer.concat([digest, script.createCachedData()]));
        renameSync(tmp, cacheFile);
      } catch {
        rmSync(`${cacheFile}.${process.pid}.tmp`, { force: true });
      }
    },
  };
}
