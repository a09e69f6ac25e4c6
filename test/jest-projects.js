// The two jest projects and the options of a whole run, for jest.config.js (`npm test`: unit),
// jest.programs.config.js (`npm run test:programs`: programs) and jest.all.config.js
// (`npm run test:all`: both as two projects on one set of workers). .ci/run runs both.
const { join } = require('node:path');

const rootDir = join(__dirname, '..');

/** What both projects share. */
const shared = {
  rootDir,
  testEnvironment: 'node',
  roots: ['<rootDir>'],
  // jest only strips types, with esbuild (test/esbuild-transform.js: about 1 s of CPU for the
  // project and imports/ on a clean clone, where ts-jest took about 9 s in each worker);
  // test/static-checks.test.ts type-checks and lints beside the other files.
  transform: { '^.+\\.ts$': '<rootDir>/test/esbuild-transform.js' },
  // jest's runtime, with each module's source, transform and V8 code cache kept for the test
  // files of a worker.
  runtime: '<rootDir>/test/jest-runtime.js',
  // The schema verdicts and YAML conversions synth keeps in .cache/, shared by the test files.
  setupFilesAfterEnv: ['<rootDir>/test/shared-caches.ts'],
};

/** The type check and lint (test/static-checks.test.ts), the layers, the unit, fixture and drift tests: on every save. */
const unit = {
  ...shared,
  displayName: 'unit',
  testMatch: ['<rootDir>/main.test.ts', '<rootDir>/test/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/programs/'],
};

/**
 * The real programs of the field on the generated files (restic, sanoid, exportfs,
 * systemd-analyze, wg-quick, amtool, promtool's rule tests, ansible-playbook and ansible-lint,
 * sops and ansible-vault through the bootstrap, the Kubernetes admission decoder built with
 * Go), synth processes killed inside the swap, the reference type check and lint (tsc and
 * ESLint) and jest itself on the test runtime. Slower; some need root; in CI they fail, not
 * skip, when a program is missing.
 */
const programs = {
  ...shared,
  displayName: 'programs',
  testMatch: ['<rootDir>/test/programs/**/*.test.ts'],
};

/** The options of a run, whichever projects it has. */
const run = {
  rootDir,
  // The tests render the pinned charts: refuse to start without the chart cache (npm run charts).
  globalSetup: '<rootDir>/test/chart-cache-setup.ts',
  testTimeout: 120000,
  // Every core: jest's default (all but one) leaves one of CI's two cores idle.
  maxWorkers: '100%',
  // The long single steps (the type check and lint, promtool's rule tests, ansible-lint) first,
  // the rest beside them.
  testSequencer: '<rootDir>/test/sequencer.js',
};

module.exports = { unit, programs, run };
