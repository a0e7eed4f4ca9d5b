// Prefixed random ids: readable in logs, never integer-looking (BullMQ), never containing ':'.
import { randomBytes } from 'node:crypto';

export function newId(prefix: 'tn' | 'app' | 'con' | 'run' | 'act' | 'bt' | 'mcp'): string {
  return `${prefix}_${randomBytes(10).toString('base64url').replace(/[-_]/g, 'x')}`;
}
