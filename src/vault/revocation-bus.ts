// Tells every process that a connection was revoked, so in-flight runs stop within a second (Redis pub/sub).
// Postgres stays the source of truth; the bus only shortens the time to notice.
import type { Cluster, Redis } from 'ioredis';

export interface RevocationBus {
  publish(connectionId: string): Promise<void>;
  isRevoked(connectionId: string): boolean;
  /** Local mark (the revoking process itself, or a DB read that found the row revoked). */
  markRevoked(connectionId: string): void;
  /** A reconnect made a new connection; old ids stay revoked, nothing to clear. */
  close(): Promise<void>;
}

export async function createRevocationBus(d: {
  subscriber: Redis | Cluster;
  publisher: Redis | Cluster;
  prefix: string;
}): Promise<RevocationBus> {
  const channel = `${d.prefix}:vault:revoked`;
  const revoked = new Set<string>();
  d.subscriber.on('message', (ch: string, message: string) => {
    if (ch === channel) revoked.add(message);
  });
  await d.subscriber.subscribe(channel);
  return {
    async publish(connectionId) {
      revoked.add(connectionId);
      await d.publisher.publish(channel, connectionId);
    },
    isRevoked: (connectionId) => revoked.has(connectionId),
    markRevoked: (connectionId) => void revoked.add(connectionId),
    async close() {
      await d.subscriber.unsubscribe(channel).catch(() => undefined);
    },
  };
}
