/*
 * Two jest projects over one set of workers:
 * - unit: the type check and lint (test/static-checks.test.ts), the layers, the unit, fixture
 *   and drift tests: what `npm test` runs, on every save.
 * - programs: the tests that run the real programs of the field on the generated files
 *   (restic, sanoid, exportfs, systemd-analyze, wg-quick, amtool, promtool, ansible-playbook,
 *   ansible-lint, sops and ansible-vault through the bootstrap, the Kubernetes admission
 *   decoder built with Go), and synth processes killed inside the swap:
 *   `npm run test:programs`. They are slower, some need root, and they
 *   must fail, not skip, when a program is missing in CI.
 * `npm run test:all` runs both at once; .ci/run runs both.
 */
const shared = {
  rootDir: __dirname,
  testEnvironment: 'node',
  roots: ['<rootDir>'],
  // jest only strips types, with esbuild (test/esbuild-transform.js: about 1 s of CPU for the
  // project and imports/ on a clean clone, where ts-jest took about 9 s in each worker);
  // test/static-checks.test.ts runs `tsc --noEmit` and the lint beside the other files.
  transform: { '^.+\\.ts$': '<rootDir>/test/esbuild-transform.js' },
  // jest's runtime, with V8's code cache of each module shared by the test files of a worker.
  runtime: '<rootDir>/test/jest-runtime.js',
  // The tests render the pinned charts: refuse to start without the chart cache (npm run charts).
  globalSetup: '<rootDir>/test/chart-cache-setup.ts',
  // The schema verdicts and YAML conversions synth keeps in .cache/, shared by the test files.
  setupFilesAfterEnv: ['<rootDir>/test/shared-caches.ts'],
};

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: ['<rootDir>/main.test.ts', '<rootDir>/test/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/programs/'],
    },
    { ...shared, displayName: 'programs', testMatch: ['<rootDir>/test/programs/**/*.test.ts'] },
  ],
  testTimeout: 120000,
  // Every core: jest's default (all but one) leaves one of CI's two cores idle.
  maxWorkers: '100%',
  // The long single steps (the type check and lint, promtool's rule tests, ansible-lint) first,
  // the rest beside them.
  testSequencer: '<rootDir>/test/sequencer.js',
};
