// jest transform: esbuild strips the types of a TypeScript file (test/static-checks.test.ts
// type-checks the project once, beside the other test files).
const { createHash } = require('node:crypto');
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const esbuild = require('esbuild');

const { compilerOptions } = JSON.parse(readFileSync(join(__dirname, '..', 'tsconfig.json'), 'utf8'));
const options = {
  loader: 'ts',
  format: 'cjs',
  platform: 'node',
  target: `node${process.versions.node.split('.')[0]}`,
  sourcemap: 'external',
  tsconfigRaw: { compilerOptions },
};
const SELF = createHash('sha256').update(readFileSync(__filename)).update(esbuild.version).update(JSON.stringify(options)).digest('hex');

module.exports = {
  getCacheKey(source, path) {
    return createHash('sha256').update(SELF).update('\0').update(path).update('\0').update(source).digest('hex');
  },
  process(source, path) {
    const { code, map } = esbuild.transformSync(source, { ...options, sourcefile: path });
    return { code, map };
  },
};
