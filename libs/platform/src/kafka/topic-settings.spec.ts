import { TOPICS } from '@sp/contracts';
import { ACCESS_TOPIC_MIN_RETENTION_MS, accessTopicProblems, topicConfigEntries } from './topic-settings';

describe('access topic settings', () => {
  it('creates every topic deleting, never compacting, with its retention', () => {
    expect(topicConfigEntries(TOPICS.accessEvents)).toEqual([
      { name: 'cleanup.policy', value: 'delete' },
      { name: 'retention.ms', value: String(30 * 24 * 3600 * 1000) },
    ]);
  });

  it('accepts what is created and the broker defaults (7 days, or unlimited)', () => {
    expect(accessTopicProblems({ 'cleanup.policy': 'delete', 'retention.ms': topicConfigEntries(TOPICS.accessEvents)[1].value })).toEqual([]);
    expect(accessTopicProblems({ 'cleanup.policy': 'delete', 'retention.ms': String(ACCESS_TOPIC_MIN_RETENTION_MS) })).toEqual([]);
    expect(accessTopicProblems({ 'retention.ms': '-1' })).toEqual([]);
  });

  it('names compaction and a retention too short to outlast an outage', () => {
    expect(accessTopicProblems({ 'cleanup.policy': 'compact,delete' })).toEqual([expect.stringMatching(/cleanup.policy=compact,delete compacts away/)]);
    expect(accessTopicProblems({ 'retention.ms': '3600000' })).toEqual([expect.stringMatching(/retention.ms=3600000 is under/)]);
  });
});
