/**
 * Kafka topics, versioned by name: a breaking change of a topic's contract gets a new topic.
 * Access events are keyed by orgId (one org's changes stay in order); key-usage events by keyId.
 */
export const TOPICS = {
  accessEvents: 'access.events.v1',
  accessEventsDeadLetter: 'access.events.v1.dlq',
  keyUsage: 'key-usage.v1',
  keyUsageDeadLetter: 'key-usage.v1.dlq',
} as const;
export type Topic = (typeof TOPICS)[keyof typeof TOPICS];

/** Headers a dead-lettered message carries besides its original headers. */
export const DEAD_LETTER_HEADERS = {
  error: 'x-dlq-error',
  sourceTopic: 'x-dlq-source-topic',
  sourcePartition: 'x-dlq-source-partition',
  sourceOffset: 'x-dlq-source-offset',
  consumerGroup: 'x-dlq-consumer-group',
} as const;

/**
 * The header of an access event's signature: `<key id>.<base64url HMAC-SHA256 of the value>`, set by
 * key-service; consumers dead-letter access events without a valid one.
 */
export const EVENT_SIGNATURE_HEADER = 'x-sp-signature';
