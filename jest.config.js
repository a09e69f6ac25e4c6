/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>'],
  testMatch: ['<rootDir>/main.test.ts', '<rootDir>/test/**/*.test.ts'],
  // Type-checking is `tsc --noEmit` in `npm test`; jest only transpiles.
  transform: { '^.+\\.ts$': 'ts-jest' },
  testTimeout: 60000,
  // The tests render the pinned charts: refuse to start without the chart cache (npm run charts).
  globalSetup: '<rootDir>/test/chart-cache-setup.ts',
};
