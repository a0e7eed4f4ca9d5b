// searchConversations: the query DSL subset we use, nesting, and cursor pagination over pages.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect, startClientHarness, type ClientHarness } from './support.js';

let h: ClientHarness;
beforeAll(async () => {
  h = await startClientHarness();
  for (let i = 0; i < 7; i += 1)
    h.sb.addConversation({ contact: '6762f1a51bb69f9f2193bc02', body: `<p>Question ${i}</p>` });
});
afterAll(async () => h.close());

const ids = (pages: { id: string }[][]) => pages.flat().map((c) => c.id);

describe('searchConversations', () => {
  it('follows pages.next.starting_after until the last page', async () => {
    const pages = await collect(
      h.client.searchConversations({ field: 'state', operator: '=', value: 'open' }, { perPage: 3 }),
    );
    expect(pages.map((p) => p.length)).toEqual([3, 3, 3, 1]);
    expect(new Set(ids(pages)).size).toBe(10);
    const bodies = h.sb
      .calls()
      .filter((c) => c.path === '/conversations/search')
      .map((c) => c.body);
    expect(bodies[0]).toMatchObject({ pagination: { per_page: 3 } });
    expect(bodies[1]).toMatchObject({ pagination: { per_page: 3, starting_after: expect.any(String) } });
  });

  it('caps per_page at 150', async () => {
    await collect(h.client.searchConversations({ field: 'open', operator: '=', value: true }, { perPage: 1000 }));
    expect(h.sb.calls().at(-1)?.body).toMatchObject({ pagination: { per_page: 150 } });
  });

  it('supports =, !=, IN, NIN, >, < and AND/OR nesting', async () => {
    const q = async (query: Parameters<ClientHarness['client']['searchConversations']>[0]) =>
      ids(await collect(h.client.searchConversations(query)));
    expect(await q({ field: 'state', operator: '=', value: 'closed' })).toEqual(['215472699001237']);
    expect(await q({ field: 'team_assignee_id', operator: 'IN', value: ['5120002'] })).toEqual(['215472699001236']);
    expect(await q({ field: 'contact_ids', operator: '=', value: '6762f1a51bb69f9f2193bc01' })).toEqual([
      h.sb.seed.conversationId,
    ]);
    expect(await q({ field: 'created_at', operator: '<', value: 1795100000 })).toEqual(['215472699001237']);
    const recentSeeded = await q({
      operator: 'AND',
      value: [
        { field: 'created_at', operator: '>', value: 1795100000 },
        { field: 'created_at', operator: '<', value: 1795200000 },
      ],
    });
    expect(recentSeeded.sort()).toEqual(['215472699001234', '215472699001235', '215472699001236']);
    const nested = await q({
      operator: 'AND',
      value: [
        { field: 'state', operator: '!=', value: 'closed' },
        {
          operator: 'OR',
          value: [
            { field: 'team_assignee_id', operator: '=', value: '5120002' },
            {
              field: 'source.author.id',
              operator: 'NIN',
              value: ['6762f1a51bb69f9f2193bc02', '6762f1a51bb69f9f2193bc03'],
            },
          ],
        },
      ],
    });
    expect(nested.sort()).toEqual(['215472699001234', '215472699001236']);
    // The mixed group above was sent in the spec's shape: lone filters wrapped in a same-operator group.
    expect(h.sb.calls().at(-1)?.body).toMatchObject({
      query: { operator: 'AND', value: [{ operator: 'AND', value: [{ field: 'state' }] }, { operator: 'OR' }] },
    });
  });

  it('finds unassigned conversations with admin_assignee_id = 0', async () => {
    const hits = ids(
      await collect(h.client.searchConversations({ field: 'admin_assignee_id', operator: '=', value: '0' })),
    );
    expect(hits).toContain(h.sb.seed.conversationId);
  });
});
