// A `work` process without the receiver still serves /healthz, /readyz and /metrics on its own
// listener, so the counters only workers move (dead letters, revocations, tool calls, tokens) can be scraped,
// and its readiness covers what it uses: Redis, Postgres, running workers, tokens it can open.
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCipher, createKeyring } from '../../../src/vault/cipher.js';
import { startHarness, type Harness } from '../../support/harness.js';

describe('work role ops listener', () => {
  let h: Harness;
  let base: string;

  beforeAll(async () => {
    h = await startHarness({ serve: false, work: true });
    base = h.roles.metricsUrl ?? '';
  });
  afterAll(async () => h?.close());

  it('has no receiver but serves health, readiness and the worker counters', async () => {
    expect(h.roles.server).toBeUndefined();
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      ok: true,
      checks: { redis: 'ok', database: 'ok', migrations: 'ok', workers: 'ok', vault: 'ok' },
    });
    const metrics = await fetch(`${base}/metrics`);
    expect(metrics.headers.get('content-type')).toContain('text/plain');
    const text = await metrics.text();
    for (const name of [
      'deskpilot_dead_letters_total',
      'deskpilot_credential_revocations_total',
      'deskpilot_tool_calls_total',
      'deskpilot_model_tokens_total',
      'deskpilot_queue_jobs',
    ])
      expect(text).toContain(`# TYPE ${name}`);
    expect((await fetch(`${base}/webhooks/intercom`, { method: 'POST', body: '{}' })).status).toBe(404);
  });

  it('is not ready when no live token opens with this process keys', async () => {
    const { tenant } = await h.addTenant();
    const con = (await h.deps.connections.latest(tenant.id))!;
    const other = createCipher(createKeyring(randomBytes(32).toString('base64')));
    await sql`update connections set key_id = ${other.currentKeyId},
      access_token_enc = ${other.seal('tok', `connection:${con.id}:access_token`)} where id = ${con.id}`.execute(
      h.deps.db,
    );
    const res = await fetch(`${base}/readyz`);
    expect(res.status).toBe(503);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      ok: false,
      checks: { vault: 'locked' },
      connections: { active: 1, undecryptable: 1 },
      missingKey: 'previous',
    });
    expect(JSON.stringify(body)).not.toContain(tenant.id);
  });

  it('is not ready once its workers stopped', async () => {
    await h.roles.worker?.close();
    const res = await fetch(`${base}/readyz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ checks: { workers: 'stopped' } });
  });
});
