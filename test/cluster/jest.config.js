/**
 * The slow test project: the test cluster (etcd, kube-apiserver and the rest built from the
 * Go module proxy). Not part of `npm test`; `.ci/run` runs it with `npm run test:cluster`.
 * @type {import('jest').Config}
 */
module.exports = {
  rootDir: '../..',
  testEnvironment: 'node',
  testMatch: ['<rootDir>/test/cluster/**/*.slow.ts'],
  transform: { '^.+\\.ts$': '<rootDir>/test/esbuild-transform.js' },
  // Each test boots its own control plane; the first run may also build it.
  testTimeout: 30 * 60 * 1000,
};
