// The integration run shares one Kafka cluster. A suite that deletes the access topic's history
// (what retention does) leaves every view started after it with a real gap in the log, which the
// permissions-service rightly reports as not ready: such suites run last.
const Sequencer = require('@jest/test-sequencer').default;

const DESTRUCTIVE = /history-deleted\.e2e-spec\.ts$/;

class DestructiveLast extends Sequencer {
  async sort(tests) {
    const sorted = await super.sort(tests);
    return [...sorted.filter((t) => !DESTRUCTIVE.test(t.path)), ...sorted.filter((t) => DESTRUCTIVE.test(t.path))];
  }
}

module.exports = DestructiveLast;
