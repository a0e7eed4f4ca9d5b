// Dead letters (BullMQ's failed sets, src/queue/dead-letters.ts) grouped by reason for the console.
import type { DeadLetter, DeadLetters } from '../queue/dead-letters.js';

/** Dead letters grouped by reason, optionally only those that failed since a time. */
export async function deadLettersByReason(
  dlq: DeadLetters,
  since?: Date,
): Promise<Array<{ reason: string; count: number; letters: DeadLetter[] }>> {
  const letters = await dlq.list(since ? { since } : {});
  const by = new Map<string, DeadLetter[]>();
  for (const l of letters) by.set(l.reason, [...(by.get(l.reason) ?? []), l]);
  return [...by.entries()]
    .map(([reason, ls]) => ({ reason, count: ls.length, letters: ls }))
    .sort((a, b) => b.count - a.count);
}
