// jest runtime (jest.config.js `runtime`): jest's own, with what does not depend on the test file
// kept for all the test files of a worker. jest gives every test file a fresh module registry,
// so each file reads, transforms and compiles cdk8s, cdk8s-plus, zod and the project again
// (about 600 modules a file; on a clean `npm test` that was a third of the in-process time).
// Here, for the test files of one worker:
// - a module's source is read from disk once (again when its size or mtime changes);
// - its transform (test/esbuild-transform.js, for the project's TypeScript) is done once for the
//   same source and options;
// - V8 compiles the same wrapped source once: the second time, it compiles from the code cache
//   of the first compile, which by then holds every function the first test file ran.
// Modules are still evaluated afresh for every test file: isolation is unchanged. A cache V8
// rejects is dropped. A module with a dynamic `import()` is compiled afresh each time: on Node 20
// a script compiled from a code cache answers `import()` with the first compile's callback, gone
// with its test file. jest-runtime 29.7's readFile, transformFile and createScriptFromCode are
// internal methods: a jest upgrade must keep them or drop this file.
const { statSync } = require('node:fs');
const vm = require('node:vm');
const Runtime = require('jest-runtime').default;

/** file name -> { size, mtimeMs, source } as read. */
const sources = new Map();
/** file name -> { source, key, transformed } (jest's TransformResult for that source and options). */
const transforms = new Map();
/** file name -> { source, script } after the first compile, { source, data } (V8's code cache) after the second. */
const compiled = new Map();
const DYNAMIC_IMPORT = /\bimport\s*\(/;

class WorkerCachingRuntime extends Runtime {
  readFile(filename) {
    const mine = this._cacheFS.get(filename);
    if (mine !== undefined) return mine;
    let stat;
    try {
      stat = statSync(filename);
    } catch {
      return super.readFile(filename);
    }
    const seen = sources.get(filename);
    if (seen && seen.size === stat.size && seen.mtimeMs === stat.mtimeMs) {
      this._cacheFS.set(filename, seen.source);
      return seen.source;
    }
    const source = super.readFile(filename);
    sources.set(filename, { size: stat.size, mtimeMs: stat.mtimeMs, source });
    return source;
  }

  transformFile(filename, options) {
    if (options?.isInternalModule) return super.transformFile(filename, options);
    const source = this.readFile(filename);
    const key = JSON.stringify(this._getFullTransformationOptions(options));
    const seen = transforms.get(filename);
    if (!seen || seen.source !== source || seen.key !== key) {
      const code = super.transformFile(filename, options);
      transforms.set(filename, { source, key, transformed: this._fileTransforms.get(filename) });
      return code;
    }
    // what jest-runtime's transformFile records besides returning the code
    this._fileTransforms.set(filename, seen.transformed);
    if (seen.transformed.sourceMapPath) this._sourceMapRegistry.set(filename, seen.transformed.sourceMapPath);
    return seen.transformed.code;
  }

  createScriptFromCode(scriptSource, filename) {
    if (DYNAMIC_IMPORT.test(scriptSource)) return super.createScriptFromCode(scriptSource, filename);
    let seen = compiled.get(filename);
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
    if (!seen) compiled.set(filename, { source: scriptSource, script });
    else if (script.cachedDataRejected) compiled.delete(filename);
    return script;
  }
}

module.exports = WorkerCachingRuntime;
