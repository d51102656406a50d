// Mocha reporter: the spec output, plus the counts written to $NFLENS_RESULT for test/run-all.mjs.
const Mocha = require('mocha');
const { writeFileSync } = require('node:fs');

class CountReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
      const s = runner.stats;
      if (process.env.NFLENS_RESULT) {
        writeFileSync(process.env.NFLENS_RESULT, JSON.stringify({ passed: s.passes, failed: s.failures, skipped: s.pending }));
      }
      console.log(`${s.passes} passed, ${s.failures} failed${s.pending ? `, ${s.pending} skipped` : ''}`);
    });
  }
}
module.exports = CountReporter;
