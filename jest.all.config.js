// `npm run test:all`: both projects (test/jest-projects.js) on one set of workers.
const { programs, run, unit } = require('./test/jest-projects');

/** @type {import('jest').Config} */
module.exports = { ...run, projects: [unit, programs] };
