// `npm run test:programs`: the programs project (test/jest-projects.js).
const { programs, run } = require('./test/jest-projects');

/** @type {import('jest').Config} */
module.exports = { ...run, ...programs };
