// jest testSequencer: the tests that are one long step each start first, so the other files run
// beside them on the remaining workers instead of after them: the type check and lint of the
// whole project (test/static-checks.test.ts; in the programs project the reference checks, tsc
// and ESLint), promtool's rule unit tests and ansible-lint. Then jest's own
// order (failed first, then the slowest of the last run, else the largest file).
const Sequencer = require('@jest/test-sequencer').default;

const FIRST = ['test/static-checks.test.ts', 'test/programs/static-checks.test.ts', 'test/programs/promtool.test.ts', 'test/programs/ansible.test.ts'];

class LongestFirst extends Sequencer {
  sort(tests) {
    const rank = (t) => {
      const i = FIRST.findIndex((f) => t.path.endsWith(f));
      return i === -1 ? FIRST.length : i;
    };
    const ordered = super.sort(tests);
    return [...ordered].sort((a, b) => rank(a) - rank(b));
  }
}

module.exports = LongestFirst;
