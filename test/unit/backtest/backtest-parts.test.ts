// The backtest's pure parts: the replay view, the read-only client's surface, the cost arithmetic, --since.
import { describe, expect, it } from 'vitest';
import { estimateReplay, priced } from '../../../src/backtest/cost.js';
import { atFirstMessage, readOnlyClient } from '../../../src/backtest/replay-client.js';
import { parseSince } from '../../../src/cli/backtest.js';
import type { IntercomClient } from '../../../src/intercom/client.js';
import { IntercomConversation } from '../../../src/intercom/schemas.js';

describe('replay view', () => {
  it('shows the conversation as it stood at the first customer message', () => {
    const conv = IntercomConversation.parse({
      id: '1',
      created_at: 100,
      updated_at: 900,
      open: false,
      state: 'closed',
      admin_assignee_id: '9608801',
      team_assignee_id: '5120001',
      source: { id: 's', author: { type: 'user', id: 'u' }, body: '<p>charged twice</p>' },
      tags: { tags: [{ id: 't', name: 'billing' }] },
      statistics: { first_admin_reply_at: 300 },
      conversation_parts: {
        conversation_parts: [
          { id: 'p', part_type: 'comment', body: 'x', created_at: 300, author: { type: 'admin', id: '9608801' } },
        ],
        total_count: 1,
      },
    });
    const view = atFirstMessage(conv);
    expect(view).toMatchObject({ state: 'open', open: true, admin_assignee_id: null, team_assignee_id: null });
    expect(view.tags.tags).toEqual([]);
    expect(view.conversation_parts).toEqual({ conversation_parts: [], total_count: 0 });
    expect('statistics' in view).toBe(false);
    expect(view.source.body).toBe('<p>charged twice</p>');
  });

  it('the read-only client has read methods only', () => {
    const full = new Proxy({}, { get: () => () => undefined }) as unknown as IntercomClient;
    expect(Object.keys(readOnlyClient(full)).sort()).toEqual([
      'getContact',
      'getConversation',
      'listTags',
      'listTeams',
      'searchArticles',
      'searchConversations',
    ]);
  });
});

describe('cost', () => {
  it('estimates four turns of a growing prompt, priced per million tokens', () => {
    // input: 4 × (1000 + 500) + (0+1+2+3) × (150 + 250) = 8400; output: 4 × 150 = 600.
    expect(estimateReplay(1000, 500)).toEqual({ inputTokens: 8400, outputTokens: 600, usd: 0.0342 });
    expect(priced(1_000_000, 100_000, { input: 1, output: 5 }).usd).toBe(1.5);
  });

  it('--since takes 30d, 12h or an ISO date', () => {
    const now = Date.UTC(2026, 10, 30);
    expect(parseSince('30d', now)).toBe(now - 30 * 86_400_000);
    expect(parseSince('12h', now)).toBe(now - 12 * 3_600_000);
    expect(parseSince('2026-11-01', now)).toBe(Date.UTC(2026, 10, 1));
    expect(() => parseSince('soon', now)).toThrow(/--since/);
  });
});
