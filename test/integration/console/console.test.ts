// The operator console in Debian's Chromium against a real stack (Redis, Postgres, both sandboxes): sign-in,
// a webhook's run trace, dead-letter replay, an audited mode switch, CSRF, and no secret in any page.
import { writeFileSync } from 'node:fs';
import { Job } from 'bullmq';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedDelivery } from '@deskpilot/testkit/webhooks';
import { CLIENT_SECRET, MODEL_KEY, startAgentHarness, type AgentHarness } from '../agent/support.js';
import { launchChromium } from '../../support/browser.js';
import { runCli } from '../../support/cli.js';
import { QUEUES } from '../../../src/queue/jobs.js';

const ADMIN_TOKEN = 'console-test-admin-token-0123456789';

describe('operator console in a browser', () => {
  let h: AgentHarness;
  let browser: Browser;
  let ctx: BrowserContext;
  let page: Page;
  const pages: Array<{ url: string; html: string }> = [];

  const text = async (p: Page, selector: string) => ((await p.textContent(selector)) ?? '').replace(/\s+/g, ' ').trim();
  const signIn = async (p: Page, token: string) => {
    await p.goto(`${h.url}/console/login`);
    await p.fill('input[name=token]', token);
    await p.click('button:has-text("Sign in")');
  };

  beforeAll(async () => {
    h = await startAgentHarness({ env: { ADMIN_TOKEN } });
    browser = await launchChromium();
    ctx = await browser.newContext();
    page = await ctx.newPage();
    // Every HTML document the console sends, for the secret scan at the end.
    page.on('response', async (res) => {
      if (!res.url().includes('/console') || !(res.headers()['content-type'] ?? '').includes('text/html')) return;
      pages.push({ url: res.url(), html: await res.text().catch(() => '') });
    });
  });
  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  it('refuses a wrong token and signs in with the right one (HttpOnly, SameSite=Strict cookie)', async () => {
    await page.goto(`${h.url}/console/runs`);
    expect(page.url()).toMatch(/\/console\/login$/);
    await signIn(page, 'not-the-admin-token-at-all');
    await expect(page.textContent('body')).resolves.toContain('Wrong token.');
    expect((await ctx.cookies()).some((c) => c.name === 'dp_console')).toBe(false);

    await signIn(page, ADMIN_TOKEN);
    expect(page.url()).toMatch(/\/console\/overview$/);
    expect(await page.locator('figure').count()).toBeGreaterThan(5);
    expect(await page.locator('figure svg').count()).toBeGreaterThan(0);
    const session = (await ctx.cookies()).find((c) => c.name === 'dp_console');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/console' });
  });

  it('refuses a POST without the CSRF token, signed in or not', async () => {
    const form = { headers: { 'content-type': 'application/x-www-form-urlencoded' } };
    const noToken = await page.request.post(`${h.url}/console/tenants/${h.tenant.id}/mode`, {
      ...form,
      data: 'mode=autonomous&confirm=yes',
    });
    expect(noToken.status()).toBe(403);
    const forged = await page.request.post(`${h.url}/console/dead-letters/purge`, {
      ...form,
      data: 'stage=confirm&reason=model_refused&_csrf=forged-token',
    });
    expect(forged.status()).toBe(403);
    const login = await fetch(`${h.url}/console/login`, {
      method: 'POST',
      ...form,
      body: `token=${ADMIN_TOKEN}`,
    });
    expect(login.status).toBe(403);
    expect(login.headers.get('set-cookie') ?? '').not.toContain('dp_console=');
  });

  it('marks both cookies Secure when the request came over https (X-Forwarded-Proto from a proxy)', async () => {
    const https = { 'x-forwarded-proto': 'https' };
    const login = await fetch(`${h.url}/console/login`, { headers: https });
    const csrfCookie = login.headers.getSetCookie().find((c) => c.startsWith('dp_csrf='));
    expect(csrfCookie).toMatch(/; Secure/);
    const token = /name="_csrf" value="([^"]+)"/.exec(await login.text())?.[1] ?? '';
    const res = await fetch(`${h.url}/console/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { ...https, 'content-type': 'application/x-www-form-urlencoded', cookie: csrfCookie!.split(';')[0]! },
      body: new URLSearchParams({ token: ADMIN_TOKEN, _csrf: token }).toString(),
    });
    expect(res.status).toBe(303);
    const session = res.headers.getSetCookie().find((c) => c.startsWith('dp_console='));
    expect(session).toMatch(/; HttpOnly/);
    expect(session).toMatch(/; Secure/);
    expect(session).toMatch(/; SameSite=Strict/);
  });

  it('shows the run of a signed webhook: the reply, the tool calls and their arguments', async () => {
    const d = signedDelivery(CLIENT_SECRET);
    const res = await fetch(`${h.url}/webhooks/intercom`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature': d.signature },
      body: d.body,
    });
    expect(res.status).toBe(202);
    const { jobId } = (await res.json()) as { jobId: string };
    await h.finished(jobId, 20_000);
    const conversationId = '215472699001234';

    await page.goto(`${h.url}/console/runs?conversation=${conversationId}`);
    const link = page.locator('#runs a').first();
    await link.click();
    expect(page.url()).toMatch(/\/console\/runs\/run_/);
    await expect(text(page, 'code.conversation-id')).resolves.toBe(conversationId);
    const calls = await page.locator('.tool-call').allTextContents();
    expect(calls.some((c) => c.includes('reply') && c.includes('"body"'))).toBe(true);
    expect(calls.some((c) => c.includes('triage') && c.includes('"category"'))).toBe(true);
    const sent = h
      .writes(conversationId)
      .find((w) => w.path.endsWith('/reply') && JSON.stringify(w.body).includes('comment'));
    const replyBody = (sent?.body as { body?: string } | undefined)?.body ?? '';
    expect(replyBody.length).toBeGreaterThan(10);
    // The page shows the reply text the agent asked for (JSON-escaped inside the tool call's arguments).
    expect(calls.join('\n')).toContain(JSON.stringify(replyBody).slice(1, 40));
    await expect(page.textContent('body')).resolves.toMatch(/Ledger[\s\S]*reply[\s\S]*done/);
    const shot = process.env.CONSOLE_SCREENSHOT; // README's picture: CONSOLE_SCREENSHOT=docs/console-run-detail.png
    if (shot) {
      await page.setViewportSize({ width: 1280, height: 1500 });
      writeFileSync(shot, await page.screenshot());
    }
  });

  it('replays a dead letter from the page after a dry-run preview, and the job completes', async () => {
    h.model.failNext({ status: 400 });
    const conversationId = h.conversation('Where can I download my invoice?');
    const jobId = await h.enqueue(conversationId, { attempts: 1 });
    await expect(h.finished(jobId)).rejects.toThrow(/model_refused/);

    await page.goto(`${h.url}/console/dead-letters`);
    await page.locator('tr', { hasText: jobId }).locator('button.replay-preview').click();
    await expect(text(page, '#preview')).resolves.toContain('Dry run: this would replay 1 dead letter');
    expect(await (await Job.fromId(h.deps.conversationQueue, jobId))?.getState()).toBe('failed');
    await page.click('button.replay-confirm');
    await expect(text(page, '#result')).resolves.toContain(`Replayed 1: ${jobId}`);
    await expect(h.finished(jobId, 20_000)).resolves.toMatchObject({ stopReason: expect.any(String) });
  });

  it('switches a tenant to shadow after a confirmation step; the switch is audited and the next run writes only notes', async () => {
    await page.goto(`${h.url}/console/tenants`);
    const row = page.locator(`#tenant-${h.tenant.id}`);
    await row.locator('select[name=mode]').selectOption('shadow');
    await row.locator('button:has-text("Switch mode")').click();
    await expect(text(page, 'main')).resolves.toContain('from autonomous to shadow');
    expect((await h.deps.tenants.getTenant(h.tenant.id)).mode).toBe('autonomous'); // nothing changes before confirming
    await page.click('#confirm-mode');
    await expect(text(page, `#tenant-${h.tenant.id} .mode`)).resolves.toBe('shadow');
    const audit = await h.deps.audit.query({ tenantId: h.tenant.id });
    expect(audit.at(-1)).toMatchObject({
      action: 'tenant.configured',
      details: { mode: 'shadow', previousMode: 'autonomous', via: 'console' },
    });

    const id = h.conversation('I was charged twice for my order, please refund one.');
    await h.run(id);
    const parts = h.botParts(id);
    expect(parts.length).toBeGreaterThan(0);
    expect(parts.every((p) => p.part_type === 'note')).toBe(true);
  });

  it('CLI parity: runs list|show --json carry the same runs as the page; dlq show prints step contents', async () => {
    h.model.failNext({ status: 400 });
    const conversationId = h.conversation('My parcel arrived damaged, what now?');
    const jobId = await h.enqueue(conversationId, { attempts: 1 });
    await expect(h.finished(jobId)).rejects.toThrow(/model_refused/);
    const env = {
      REDIS_URL: h.config.REDIS_URL,
      DESKPILOT_PREFIX: h.config.DESKPILOT_PREFIX,
      DESKPILOT_VAULT_KEY: h.vaultKey,
      DATABASE_URL: h.testDb.urlWithSchema,
    };
    const [list, spend, dlq] = await Promise.all([
      runCli(['runs', 'list', '--json', '--limit', '200'], env),
      runCli(['runs', 'spend', '--json'], env),
      runCli(['dlq', 'show', '--queue', QUEUES.conversations, '--job', jobId], env),
    ]);
    expect(list.code, list.stderr).toBe(0);
    const cliRuns = (JSON.parse(list.stdout) as { rows: Array<{ id: string; costUsd: number }> }).rows;
    await page.goto(`${h.url}/console/runs`);
    const pageRuns = await page.locator('#runs a').allTextContents();
    expect(cliRuns.map((r) => r.id)).toEqual(pageRuns.map((t) => t.trim()));
    expect(cliRuns.some((r) => r.costUsd > 0)).toBe(true);
    expect(spend.code, spend.stderr).toBe(0);
    const days = JSON.parse(spend.stdout) as Array<{ tenantId: string; runs: number; costUsd: number }>;
    expect(days).toEqual([expect.objectContaining({ tenantId: h.tenant.id, runs: cliRuns.length })]);
    expect(days[0]!.costUsd).toBeCloseTo(
      cliRuns.reduce((n, r) => n + r.costUsd, 0),
      9,
    );

    const show = await runCli(['runs', 'show', '--run', pageRuns[0]!.trim()], env);
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toMatch(/the conversation as the agent saw it/);
    expect(dlq.code, dlq.stderr).toBe(0);
    expect(dlq.stdout).toContain('My parcel arrived damaged, what now?');
    for (const out of [list.stdout, show.stdout, dlq.stdout, spend.stdout]) expect(out).not.toContain(h.token);
  });

  it('renders every page without a token, client secret or vault key', async () => {
    const runs = await h.deps.db.selectFrom('agent_runs').select('id').execute();
    const letters = await h.deps.deadLetters.list();
    expect(letters.length).toBeGreaterThan(0); // the parity test above left one: its detail page is scanned too
    const paths = [
      'overview?window=hour',
      'overview',
      'tenants',
      'runs',
      'dead-letters',
      `audit?tenant=${h.tenant.id}`,
      `audit/verify?tenant=${h.tenant.id}`,
      ...runs.map((r) => `runs/${r.id}`),
      ...letters.map((l) => `dead-letters/${l.queue}/${l.jobId}`),
    ];
    const seen: string[] = [];
    for (const path of paths) {
      await page.goto(`${h.url}/console/${path}`);
      seen.push(await page.content());
    }
    const all = [...seen, ...pages.map((p) => p.html)].join('\n');
    expect(seen.length).toBe(paths.length);
    expect(seen.length).toBeGreaterThan(10);
    expect(all).toContain('Chain intact');
    for (const secret of [h.token, CLIENT_SECRET, h.vaultKey, MODEL_KEY, ADMIN_TOKEN])
      expect(all).not.toContain(secret);
  });
});
