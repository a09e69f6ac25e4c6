// jest runtime (jest.config.js `runtime`): jest's own, with what does not depend on the test file
// kept for all the test files of a worker. jest gives every test file a fresh module registry,
// so each file reads, transforms and compiles cdk8s, cdk8s-plus, zod and the project again
// (about 600 modules a file; on a clean `npm test` that was a third of the in-process time).
// Here, for the test files of one worker:
// - a module's source is read from disk once (again when its inode, size, mtime or ctime
//   changes; jest's ScriptTransformer beneath keeps a worker's transforms by name and mtime);
// - its transform (test/esbuild-transform.js, for the project's TypeScript) is done once for the
//   same source and options;
// - V8 compiles the same wrapped source once: the second time, it compiles from the code cache
//   of the first compile, which by then holds every function the first test file ran.
// Modules are still evaluated afresh for every test file: isolation is unchanged. A cache V8
// rejects is dropped. A module with a dynamic `import()` is compiled afresh each time: on Node 20
// a script compiled from a code cache answers `import()` with the first compile's callback, gone
// with its test file. Transforms and compiles are kept per jest project (its config id): the
// module wrapper and the transform options depend on the project. jest-runtime 29.7's readFile,
// transformFile and createScriptFromCode are internal methods: a jest upgrade must keep them or
// drop this file. test/programs/jest-runtime.test.ts runs jest with it on a module rewritten
// between two test files.
const { statSync } = require('node:fs');
const vm = require('node:vm');
const Runtime = require('jest-runtime').default;

/** file name -> { stamp, source } as read; the stamp is what the file system says of the file. */
const sources = new Map();
/** project and file name -> { source, key, transformed } (jest's TransformResult for that source and options). */
const transforms = new Map();
/** project and file name -> { source, script } after the first compile, { source, data } (V8's code cache) after the second. */
const compiled = new Map();

const stampOf = (stat) => `${stat.dev}:${stat.ino}:${stat.size}:${stat.mtimeNs}:${stat.ctimeNs}`;
/** JSON of jest's transform options, with its Sets (the coverage options) as sorted arrays. */
const optionsKey = (options) => JSON.stringify(options, (_k, v) => (v instanceof Set ? [...v].sort() : v));
const DYNAMIC_IMPORT = /\bimport\s*\(/;

class WorkerCachingRuntime extends Runtime {
  readFile(filename) {
    const mine = this._cacheFS.get(filename);
    if (mine !== undefined) return mine;
    let stamp;
    try {
      stamp = stampOf(statSync(filename, { bigint: true }));
    } catch {
      return super.readFile(filename);
    }
    const seen = sources.get(filename);
    if (seen && seen.stamp === stamp) {
      this._cacheFS.set(filename, seen.source);
      return seen.source;
    }
    const source = super.readFile(filename);
    sources.set(filename, { stamp, source });
    return source;
  }

  transformFile(filename, options) {
    if (options?.isInternalModule) return super.transformFile(filename, options);
    const source = this.readFile(filename);
    const key = optionsKey(this._getFullTransformationOptions(options));
    const id = `${this._config.id}\0${filename}`;
    const seen = transforms.get(id);
    if (!seen || seen.source !== source || seen.key !== key) {
      const code = super.transformFile(filename, options);
      transforms.set(id, { source, key, transformed: this._fileTransforms.get(filename) });
      return code;
    }
    // what jest-runtime's transformFile records besides returning the code
    this._fileTransforms.set(filename, seen.transformed);
    if (seen.transformed.sourceMapPath) this._sourceMapRegistry.set(filename, seen.transformed.sourceMapPath);
    return seen.transformed.code;
  }

  createScriptFromCode(scriptSource, filename) {
    if (DYNAMIC_IMPORT.test(scriptSource)) return super.createScriptFromCode(scriptSource, filename);
    const id = `${this._config.id}\0${filename}`;
    let seen = compiled.get(id);
    if (seen && seen.source !== scriptSource) seen = undefined;
    if (seen && !seen.data) {
      seen.data = seen.script.createCachedData();
      seen.script = undefined;
    }
    // jest-runtime constructs the Script itself (vm.Script, looked up on every call): for this
    // one call it gets one that passes V8 the cached data.
    const Script = vm.Script;
    if (seen) {
      const cachedData = seen.data;
      vm.Script = class extends Script {
        constructor(code, options) {
          super(code, { ...options, cachedData });
        }
      };
    }
    let script;
    try {
      script = super.createScriptFromCode(scriptSource, filename);
    } finally {
      vm.Script = Script;
    }
    if (!seen) compiled.set(id, { source: scriptSource, script });
    else if (script.cachedDataRejected) compiled.delete(id);
    return script;
  }
}

module.exports = WorkerCachingRuntime;
