// jest runtime (jest.config.js `runtime`): jest's own, with V8's code cache shared by the test
// files of a worker. jest gives every test file a fresh module registry, so each file compiles
// cdk8s, cdk8s-plus, zod and the project again (about a third of the in-process time of a clean
// `npm test` was module loading). The compiled code does not depend on the test file that loads
// it: the second time a worker compiles a module's exact source it asks V8 for the code cache of
// the first compile, which by then holds every function the first test file ran, and compiles
// from that. Modules are still evaluated afresh for every test file (isolation is unchanged);
// only V8's parse and compile of the same text is kept. A cache V8 rejects is dropped. A module
// with a dynamic `import()` is compiled afresh each time: on Node 20 a script compiled from a
// code cache answers `import()` with the first compile's callback, gone with its test file.
const { createHash } = require('node:crypto');
const vm = require('node:vm');
const Runtime = require('jest-runtime').default;

/** sha256 of file name and source -> the first compile's Script, later its code cache. */
const compiled = new Map();
const DYNAMIC_IMPORT = /\bimport\s*\(/;

class CodeCachingRuntime extends Runtime {
  createScriptFromCode(scriptSource, filename) {
    if (DYNAMIC_IMPORT.test(scriptSource)) return super.createScriptFromCode(scriptSource, filename);
    const key = createHash('sha256').update(filename).update('\0').update(scriptSource).digest('hex');
    const seen = compiled.get(key);
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
    if (!seen) compiled.set(key, { script });
    else if (script.cachedDataRejected) compiled.delete(key);
    return script;
  }
}

module.exports = CodeCachingRuntime;
