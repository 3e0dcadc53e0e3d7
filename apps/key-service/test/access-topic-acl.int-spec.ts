import { randomUUID } from 'node:crypto';
import { AclOperationTypes, AclPermissionTypes, AclResourceTypes, ResourcePatternTypes, type Admin } from 'kafkajs';
import { z } from 'zod';
import { accessEventSchema, EVENT_SIGNATURE_HEADER, TOPICS, type AccessEvent } from '@sp/contracts';
import { BatchConsumer, commonEnvSchema, KafkaPublisher, kafkaConnection, type KafkaConnection } from '@sp/platform';
import { accessEvent, SecuredKafka, testEventSigner, waitUntil } from '@sp/testing';

/**
 * The production shape of the access topic's trust (README, "Who may write the access topic"):
 * brokers that take SASL only, an authorizer that denies what no ACL allows, and ACLs that let
 * key-service write the topic and the readers only read it. The services' own clients, configured
 * by KAFKA_SASL_* as a deployment sets them, publish and consume; a reader's credentials cannot
 * write, and a wrong password does not connect.
 */
describe('access topic restricted by SASL and ACLs (a real broker with an authorizer)', () => {
  const kafka = new SecuredKafka({ keyservice: 'key-service-secret', gateway: 'gateway-secret' });
  const signer = testEventSigner();
  const clients: { stop?: () => Promise<void>; onApplicationShutdown?: () => Promise<void> }[] = [];
  let admin: Admin;

  /** A service's connection as its validated environment gives it. */
  const connectionAs = (username: string, password: string): KafkaConnection => {
    const env = commonEnvSchema.parse({ KAFKA_BROKERS: kafka.brokers.join(','), KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: username, KAFKA_SASL_PASSWORD: password }) as Record<string, unknown>;
    return kafkaConnection({ get: (name) => env[name] });
  };

  const allow = (principal: string, resourceType: AclResourceTypes, resourceName: string, operation: AclOperationTypes, pattern = ResourcePatternTypes.LITERAL) => ({
    principal: `User:${principal}`, host: '*', resourceType, resourceName, resourcePatternType: pattern, operation, permissionType: AclPermissionTypes.ALLOW,
  });

  beforeAll(async () => {
    await kafka.start();
    admin = kafka.client('admin', 'admin-secret').admin();
    await admin.connect();
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic: TOPICS.accessEvents, numPartitions: 1 }, { topic: TOPICS.accessEventsDeadLetter, numPartitions: 1 }] });
    await admin.createAcls({
      acl: [
        allow('keyservice', AclResourceTypes.TOPIC, TOPICS.accessEvents, AclOperationTypes.WRITE),
        allow('keyservice', AclResourceTypes.TOPIC, TOPICS.accessEvents, AclOperationTypes.DESCRIBE),
        allow('keyservice', AclResourceTypes.CLUSTER, 'kafka-cluster', AclOperationTypes.IDEMPOTENT_WRITE),
        allow('gateway', AclResourceTypes.TOPIC, TOPICS.accessEvents, AclOperationTypes.READ),
        allow('gateway', AclResourceTypes.TOPIC, TOPICS.accessEvents, AclOperationTypes.DESCRIBE),
        allow('gateway', AclResourceTypes.GROUP, 'gateway-view.', AclOperationTypes.READ, ResourcePatternTypes.PREFIXED),
        allow('gateway', AclResourceTypes.GROUP, 'gateway-view.', AclOperationTypes.DESCRIBE, ResourcePatternTypes.PREFIXED),
      ],
    });
  }, 120_000);

  afterAll(async () => {
    for (const c of clients) await (c.stop?.() ?? c.onApplicationShutdown?.())?.catch(() => undefined);
    await admin?.disconnect();
    await kafka.stop();
  });

  it('key-service publishes signed access events and the gateway reads them; the gateway cannot write; a wrong password cannot connect', async () => {
    const org = `acl-${randomUUID().slice(0, 8)}`;
    const keyService = new KafkaPublisher(connectionAs('keyservice', 'key-service-secret'), 'key-service', { signer, topics: [TOPICS.accessEvents] });
    clients.push(keyService);
    const event = accessEvent('OrgUpserted', org, 1, { name: 'ACL' });
    const [sent] = await keyService.publish(TOPICS.accessEvents, [{ key: org, value: event }]);
    expect(sent.errorCode).toBe(0);

    const seen: AccessEvent[] = [];
    const reader = new BatchConsumer<AccessEvent>({
      brokers: connectionAs('gateway', 'gateway-secret'),
      clientId: 'gateway',
      groupId: `gateway-view.acl-${randomUUID().slice(0, 8)}`,
      topic: TOPICS.accessEvents,
      deadLetterTopic: null,
      fromBeginning: true,
      schema: accessEventSchema as z.ZodType<AccessEvent>,
      verify: (value, headers) => signer.verify(value, headers?.[EVENT_SIGNATURE_HEADER]),
      publisher: keyService,
      handle: async (messages) => {
        seen.push(...messages.map((m) => m.value));
      },
    });
    clients.push(reader);
    reader.startInBackground();
    await waitUntil(async () => seen.some((e) => e.id === event.id), 60_000);
    expect(reader.deadLettered).toBe(0);

    // A reader's credentials (or a stolen gateway secret) cannot forge access events.
    const forger = new KafkaPublisher(connectionAs('gateway', 'gateway-secret'), 'forger');
    clients.push(forger);
    await expect(forger.publish(TOPICS.accessEvents, [{ key: org, value: accessEvent('OrgUpserted', org, 2, { name: 'forged' }) }])).rejects.toThrow(/authoriz/i);

    const stranger = new KafkaPublisher(connectionAs('keyservice', 'wrong-password'), 'stranger');
    clients.push(stranger);
    await expect(stranger.publish(TOPICS.accessEvents, [{ key: org, value: event }])).rejects.toThrow(/SASL|authentication/i);
  }, 120_000);
});
