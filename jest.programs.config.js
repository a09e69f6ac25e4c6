/** @type {import('jest').Config} */
// The real-program tests (restic, sanoid, exportfs, systemd-analyze, wg-quick, amtool): run by
// `npm run test:programs` and .ci/run, not by `npm test` (they are slower and need root).
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>'],
  testMatch: ['<rootDir>/test/programs/**/*.test.ts'],
  transform: { '^.+\\.ts$': '<rootDir>/test/esbuild-transform.js' },
  testTimeout: 120000,
};
