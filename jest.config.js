/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>'],
  testMatch: ['<rootDir>/main.test.ts', '<rootDir>/test/**/*.test.ts'],
  // Real programs (restic, sanoid, …): their own project, npm run test:programs.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/programs/'],
  // jest only strips types, with esbuild (test/esbuild-transform.js: about 1 s of CPU for the
  // project and imports/ on a clean clone, where ts-jest took about 9 s in each worker);
  // test/static-checks.test.ts runs `tsc --noEmit` and the lint beside the other files.
  transform: { '^.+\\.ts$': '<rootDir>/test/esbuild-transform.js' },
  // jest's runtime, with V8's code cache of each module shared by the test files of a worker.
  runtime: '<rootDir>/test/jest-runtime.js',
  testTimeout: 60000,
  // Every core: jest's default (all but one) leaves one of CI's two cores idle.
  maxWorkers: '100%',
  // The type check and promtool's rule tests (one long step each) first, the rest beside them.
  testSequencer: '<rootDir>/test/sequencer.js',
  // The tests render the pinned charts: refuse to start without the chart cache (npm run charts).
  globalSetup: '<rootDir>/test/chart-cache-setup.ts',
  // The schema verdicts and YAML conversions synth keeps in .cache/, shared by the test files.
  setupFilesAfterEnv: ['<rootDir>/test/shared-caches.ts'],
};
