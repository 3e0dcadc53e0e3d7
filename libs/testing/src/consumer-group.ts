import { AssignerProtocol, Kafka, logLevel } from 'kafkajs';

/** A consumer group's members (client host and id) and the partitions of `topic` each is assigned, as the broker reports them. */
export async function groupAssignments(brokers: string[], groupId: string, topic: string): Promise<{ member: string; partitions: number[] }[]> {
  const admin = new Kafka({ brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const { groups } = await admin.describeGroups([groupId]);
    const group = groups[0];
    if (!group || group.state !== 'Stable') return [];
    return group.members.map((m) => {
      const assignment = AssignerProtocol.MemberAssignment.decode(m.memberAssignment);
      return { member: `${m.clientHost} ${m.memberId}`, partitions: [...(assignment?.assignment[topic] ?? [])].sort((a, b) => a - b) };
    });
  } finally {
    await admin.disconnect();
  }
}
