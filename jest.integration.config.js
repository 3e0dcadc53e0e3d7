// Integration and end-to-end tests: apps/*/test/*.int-spec.ts and *.e2e-spec.ts, against the real
// Kafka broker and MongoDB-wire database that tools/run.sh starts (KAFKA_BROKERS, MONGODB_URI).
const preset = require('./jest.preset.js');

module.exports = {
  ...preset,
  rootDir: '.',
  testMatch: ['<rootDir>/apps/*/test/**/*.int-spec.ts', '<rootDir>/apps/*/test/**/*.e2e-spec.ts'],
  testTimeout: 120_000,
  maxWorkers: 1,
  testSequencer: '<rootDir>/tools/jest/destructive-last.sequencer.js',
  // A safety net, not the fix: a Kafka client a test left half-closed must not hold CI until its
  // 90 minutes run out. With it set, Jest prints "Force exiting Jest" after every run, whether a
  // handle was left or not; `npm test -- --detectOpenHandles` lists what is left, if anything.
  forceExit: true,
};
