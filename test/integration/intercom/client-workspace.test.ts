// Workspace-level client methods (me, admins, teams, tags, contacts, articles, tickets, OAuth) over HTTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CredentialRevokedError, IntercomInvalidRequestError, IntercomNotFoundError } from '../../../src/errors.js';
import { createIntercomClient } from '../../../src/intercom/client.js';
import { collect, PINNED_VERSION, startClientHarness, type ClientHarness } from './support.js';

let h: ClientHarness;
beforeAll(async () => {
  h = await startClientHarness();
});
afterAll(async () => h.close());

describe('getMe', () => {
  it("returns the token's admin and the workspace app", async () => {
    const me = await h.client.getMe();
    expect(me).toMatchObject({
      id: '9608812',
      email: 'support-bot@example.com',
      name: 'Support Agent (API)',
      app: { id_code: 'a1b2c3d4', region: 'US', timezone: 'America/New_York' },
    });
    expect(h.sb.calls().at(-1)).toMatchObject({ path: '/me', tokenId: h.sb.tokenId(h.token), appId: 'a1b2c3d4' });
  });
});

describe('admins and teams', () => {
  it('lists admins including the bot, with string ids', async () => {
    const admins = await h.client.listAdmins();
    expect(admins.map((a) => a.id).sort()).toEqual(['9608801', '9608802', '9608812']);
    expect(admins.find((a) => a.id === '9608802')?.team_ids).toEqual(['5120002', '5120003']);
  });

  it('lists Billing, Technical and Customer Success', async () => {
    const teams = await h.client.listTeams();
    expect(teams.map((t) => t.name)).toEqual(['Billing', 'Technical', 'Customer Success']);
    expect(teams[0]?.admin_ids).toEqual(['9608801']);
  });
});

describe('tags', () => {
  it('lists tags and creates one idempotently (names are case-insensitive)', async () => {
    expect((await h.client.listTags()).map((t) => t.name)).toContain('refund');
    const created = await h.client.createTag('Escalated');
    const again = await h.client.createTag('escalated');
    expect(again.id).toBe(created.id);
    expect((await h.client.listTags()).filter((t) => t.name.toLowerCase() === 'escalated')).toHaveLength(1);
  });

  it('rejects an empty tag name', async () => {
    await expect(h.client.createTag(' ')).rejects.toMatchObject({ name: 'IntercomInvalidRequestError', field: 'name' });
  });
});

describe('contacts', () => {
  it('retrieves a contact', async () => {
    const c = await h.client.getContact('6762f1a51bb69f9f2193bc01');
    expect(c).toMatchObject({ name: 'Dana Reyes', email: 'dana.reyes@example.com', external_id: 'cust-40417' });
    expect(c.custom_attributes).toEqual({ plan: 'pro' });
  });

  it('maps an unknown contact to not found', async () => {
    await expect(h.client.getContact('nope')).rejects.toBeInstanceOf(IntercomNotFoundError);
  });

  it('searches contacts across pages', async () => {
    const pages = await collect(
      h.client.searchContacts({ field: 'email', operator: '$', value: '@example.com' }, { perPage: 3 }),
    );
    expect(pages.map((p) => p.length)).toEqual([3, 1]);
    const byEmail = await collect(
      h.client.searchContacts({ field: 'email', operator: '=', value: 'priya.nair@example.com' }),
    );
    expect(byEmail.flat().map((c) => c.name)).toEqual(['Priya Nair']);
  });
});

describe('searchArticles', () => {
  it('finds the refunds article for a double-charge question', async () => {
    const articles = await h.client.searchArticles({ phrase: 'charged twice refund' });
    expect(articles[0]?.title).toBe('Refunds and double charges');
    expect(h.sb.calls().at(-1)?.query).toEqual({ phrase: 'charged twice refund', state: 'published' });
  });

  it('returns nothing for an unrelated phrase', async () => {
    expect(await h.client.searchArticles({ phrase: 'zebra', state: 'all' })).toEqual([]);
  });
});

describe('tickets', () => {
  it('lists ticket types', async () => {
    const types = await h.client.listTicketTypes();
    expect(types.map((t) => [t.id, t.name, t.category])).toEqual([
      ['1', 'Refund request', 'Customer'],
      ['2', 'Bug report', 'Back-office'],
    ]);
  });

  it('creates a ticket for a contact, linked to a conversation', async () => {
    const t = await h.client.createTicket({
      ticketTypeId: '1',
      contact: { email: 'dana.reyes@example.com' },
      attributes: { _default_title_: 'Refund order 8812', order_number: '8812' },
      conversationToLinkId: h.sb.seed.conversationId,
      assignment: { teamAssigneeId: '5120001' },
    });
    expect(t).toMatchObject({ ticket_attributes: { order_number: '8812' } });
    expect(h.sb.calls().at(-1)?.body).toMatchObject({
      ticket_type_id: '1',
      contacts: [{ email: 'dana.reyes@example.com' }],
      assignment: { team_assignee_id: '5120001' },
    });
  });

  it('rejects a wrongly typed attribute with the field', async () => {
    const err = await h.client
      .createTicket({
        ticketTypeId: '1',
        contact: { id: '6762f1a51bb69f9f2193bc01' },
        attributes: { order_number: 8812 },
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IntercomInvalidRequestError);
    expect(err).toMatchObject({ field: 'ticket_attributes.order_number' });
  });
});

describe('exchangeOAuthCode', () => {
  it('trades an authorize code for a working token, without an Authorization header', async () => {
    h.sb.addOAuthClient({ clientId: 'cid', clientSecret: 'csecret', appId: 'a1b2c3d4', adminId: '9608801' });
    const res = await fetch(
      `${h.sb.url}/oauth?client_id=cid&state=s1&redirect_uri=${encodeURIComponent('https://dp.example/cb')}`,
      {
        redirect: 'manual',
      },
    );
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location') ?? '');
    expect(location.searchParams.get('state')).toBe('s1');
    const code = location.searchParams.get('code') ?? '';
    expect(code.endsWith('=')).toBe(true);

    const anon = createIntercomClient({ baseUrl: h.sb.url, token: '', version: PINNED_VERSION, pools: h.pools });
    const { accessToken } = await anon.exchangeOAuthCode({ code, clientId: 'cid', clientSecret: 'csecret' });
    expect(h.sb.calls().at(-1)?.body).toMatchObject({ client_secret: '[redacted]' });
    const me = await h.makeClient({ token: accessToken }).getMe();
    expect(me.id).toBe('9608801');

    // Codes are single use.
    await expect(anon.exchangeOAuthCode({ code, clientId: 'cid', clientSecret: 'csecret' })).rejects.toBeInstanceOf(
      CredentialRevokedError,
    );
  });

  it('answers 401 "Unauthorized Code" for a wrong code', async () => {
    const anon = createIntercomClient({ baseUrl: h.sb.url, token: '', version: PINNED_VERSION, pools: h.pools });
    await expect(
      anon.exchangeOAuthCode({ code: 'bad', clientId: 'cid', clientSecret: 'csecret' }),
    ).rejects.toMatchObject({
      intercomCode: 'unauthorized',
    });
    expect(h.sb.calls().at(-1)?.status).toBe(401);
  });
});
