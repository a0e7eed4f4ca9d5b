// Live shadow scoring end to end: a shadow tenant's proposals are scored once sandbox teammates close the
// conversations, and the CLI command and the admin API show the scorecard. Then a mixed-mode tenant: autonomous
// for how-to, shadow for billing, through the real worker and the scripted model sandbox.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/logger.js';
import { launchChromium } from '../../support/browser.js';
import { scoresCommand } from '../../../src/cli/scores.js';
import { createScoreStore } from '../../../src/scoring/score-store.js';
import { startAgentHarness, SETTINGS, tagNames, TEAM_ID, type AgentHarness } from '../agent/support.js';

const ADMIN_TOKEN = 'admin-token-for-tests-0123456789';

describe('shadow scoring and autonomy per category', () => {
  let h: AgentHarness;
  beforeAll(async () => {
    // The maintenance worker's scoring pass runs every 300 ms here (10 minutes by default).
    h = await startAgentHarness({ env: { ADMIN_TOKEN, SHADOW_SCORING_INTERVAL_MS: '300' } });
  });
  afterAll(async () => h?.close());

  const cli = async (args: Parameters<typeof scoresCommand>[0]) => {
    const out: string[] = [];
    const logger = createLogger(h.config);
    await scoresCommand(args, { config: h.config, logger, deps: async () => h.deps, print: (l) => out.push(l) });
    return out;
  };

  it('scores shadow proposals once teammates close the conversations; CLI and admin API show them', async () => {
    await h.configure({ mode: 'shadow' });
    const billing = h.conversation('I was charged twice for my order, please refund one.');
    const bug = h.conversation('The dashboard crashes with an error every time I open it.');
    await Promise.all([h.run(billing), h.run(bug)]);
    // Nothing closed yet: nothing is due inside the horizon.
    expect(JSON.parse((await cli({ tenant: h.tenant.id, json: true })).join('\n'))).toMatchObject({
      card: { conversations: 0 },
    });

    h.intercom.closeAsTeammate(billing, {
      adminId: '9608801',
      teamId: TEAM_ID.Billing,
      reply: '<p>Refunded: <a href="https://help.shop.example.com/en/articles/9200001">how refunds work</a></p>',
      tagIds: ['7710001'],
    });
    h.intercom.closeAsTeammate(bug, { adminId: '9608802', teamId: TEAM_ID.Technical });
    const writesBefore = h.intercom.calls().filter((c) => c.method !== 'GET').length;

    const card = JSON.parse((await cli({ tenant: h.tenant.id, json: true })).join('\n')) as {
      card: {
        conversations: number;
        byCategory: Record<string, { dims: Record<string, { agree: number; n: number }> }>;
      };
    };
    expect(card.card.conversations).toBe(2);
    expect(Object.keys(card.card.byCategory).sort()).toEqual(['billing', 'bug']);
    expect(card.card.byCategory.billing?.dims.routing).toEqual(expect.objectContaining({ agree: 1, n: 1 }));
    expect(card.card.byCategory.bug?.dims.routing).toEqual(expect.objectContaining({ agree: 1, n: 1 }));
    // Scoring reads only.
    expect(h.intercom.calls().filter((c) => c.method !== 'GET').length).toBe(writesBefore);

    const text = await cli({ tenant: h.tenant.id, refresh: false });
    expect(text[0]).toMatch(/2 conversations scored/);
    expect(text.join('\n')).toMatch(/billing: routing agreement 1\.00 \(0\.21–1\.00\) over 1 conversations/);

    const res = await fetch(`${h.url}/admin/api/scores?tenant=${h.tenant.id}`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ tenantId: h.tenant.id, source: 'shadow', card: { conversations: 2 } });

    // The operator console shows the same scorecard and verdicts.
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(`${h.url}/console/login`);
      await page.fill('input[name=token]', ADMIN_TOKEN);
      await page.click('button:has-text("Sign in")');
      await page.goto(`${h.url}/console/scores?tenant=${h.tenant.id}`);
      const shown = await page.textContent('main');
      expect(shown).toContain('2 conversations scored (shadow)');
      expect(shown).toMatch(/billing: routing agreement 1\.00 \(0\.21–1\.00\) over 1 conversations/);
    } finally {
      await browser.close();
    }
  });

  it('the scheduled pass scores a closed shadow conversation without anyone asking', async () => {
    await h.configure({ mode: 'shadow' });
    const id = h.conversation('Where is my invoice? The payment failed.');
    await h.run(id);
    h.intercom.closeAsTeammate(id, { adminId: '9608801', teamId: TEAM_ID.Billing });
    const scores = createScoreStore({ db: h.deps.db });
    const deadline = Date.now() + 10_000;
    let found = false;
    while (!found && Date.now() < deadline) {
      found = (await scores.list(h.tenant.id, 'shadow')).some((s) => s.conversationId === id);
      if (!found) await new Promise((r) => setTimeout(r, 100));
    }
    expect(found).toBe(true);
  });

  it('mixed mode: billing stays in shadow while how-to acts on its own', async () => {
    await h.configure({ mode: 'autonomous' });
    await h.deps.tenants.updateTenant(h.tenant.id, {
      settings: { ...SETTINGS, autonomy: { categories: { billing: 'shadow', how_to: 'autonomous' } } },
    });
    const billing = h.conversation('I was charged twice for my order, please refund one.');
    const howTo = h.conversation('How do I reset my password?');
    await Promise.all([h.run(billing), h.run(howTo)]);

    expect(tagNames(h.state(billing))).toEqual([]);
    expect(h.state(billing).team_assignee_id).toBeNull();
    const billingParts = h.botParts(billing);
    expect(billingParts.length).toBeGreaterThan(0);
    expect(billingParts.every((p) => p.part_type === 'note' && p.body?.startsWith('[deskpilot shadow mode]'))).toBe(
      true,
    );

    expect(tagNames(h.state(howTo))).toContain('category:how_to');
    expect(h.botParts(howTo).some((p) => !p.body?.startsWith('[deskpilot shadow mode]'))).toBe(true);
  });
});
