/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>'],
  testMatch: ['<rootDir>/main.test.ts', '<rootDir>/test/**/*.test.ts'],
  // Real programs (restic, sanoid, …): their own project, npm run test:programs.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/programs/'],
  // Type-checking is `tsc --noEmit` in `npm test`; jest only transpiles.
  transform: { '^.+\\.ts$': 'ts-jest' },
  testTimeout: 60000,
  // The tests render the pinned charts: refuse to start without the chart cache (npm run charts).
  globalSetup: '<rootDir>/test/chart-cache-setup.ts',
};
