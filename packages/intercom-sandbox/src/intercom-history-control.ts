// Control calls for the seeded history: add it on demand, and let a sandbox teammate close a conversation the
// way a human would (assign, reply, tag, close), so shadow scoring has human outcomes to compare with.
import { closeAsTeammate, seedHistory, type HistoryEntry, type HistoryOptions } from './intercom-history.js';
import { SEED_APP_ID } from './intercom-seed-data.js';
import type { SandboxStore } from './intercom-store.js';

export interface TeammateClose {
  adminId: string;
  teamId?: string | undefined;
  /** HTML of a public reply before closing. */
  reply?: string | undefined;
  tagIds?: string[] | undefined;
}

export interface HistoryControl {
  /** Adds the closed-conversation history to the seeded workspace; returns the entries, oldest first. */
  seedHistory(o?: HistoryOptions): HistoryEntry[];
  closeAsTeammate(conversationId: string, t: TeammateClose): void;
}

export function createHistoryControl(d: { store: SandboxStore; now: () => number }): HistoryControl {
  const workspace = () => {
    const ws = d.store.workspaces.get(SEED_APP_ID);
    if (!ws) throw new Error('history needs the seeded workspace (seed: true)');
    return ws;
  };
  return {
    seedHistory: (o) => seedHistory(d.store, workspace(), o),
    closeAsTeammate(conversationId, t) {
      const ws = workspace();
      const conv = ws.conversations.get(conversationId);
      if (!conv) throw new Error(`no conversation ${conversationId}`);
      closeAsTeammate(d.store, ws, conv, { ...t, now: d.now });
    },
  };
}
