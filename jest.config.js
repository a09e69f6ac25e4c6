// `npm test`: the unit project (test/jest-projects.js).
const { run, unit } = require('./test/jest-projects');

/** @type {import('jest').Config} */
module.exports = { ...run, ...unit };
