// Audit: append-only rows chained by hash per tenant; tampering is detected; retention prunes without
// breaking verification; export streams JSON lines.
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAuditLog, exportAuditJsonl, type AuditLog } from '../../../src/audit/audit-log.js';
import { pruneAudit } from '../../../src/jobs/audit-retention.js';
import { createTestDb, type TestDb } from '../../support/db.js';

describe('audit trail', () => {
  let t: TestDb;
  let clock = Date.parse('2026-01-01T00:00:00Z');
  let audit: AuditLog;
  beforeAll(async () => {
    t = await createTestDb();
    audit = createAuditLog({ db: t.db, now: () => new Date(clock) });
  });
  beforeEach(async () => t.truncate());
  afterAll(async () => t?.destroy());

  async function seed(tenantId: string, n: number) {
    for (let i = 0; i < n; i++) {
      clock += 86_400_000;
      await audit.record({
        tenantId,
        action: `tool.reply`,
        outcome: 'ok',
        conversationId: `c${i}`,
        details: { i, nested: { b: 1, a: [1, 2] } },
      });
    }
  }

  it('chains rows per tenant and verifies an intact chain', async () => {
    await seed('tn_a', 5);
    await seed('tn_b', 3);
    expect(await audit.verify('tn_a')).toEqual({ ok: true, rows: 5 });
    expect(await audit.verify('tn_b')).toEqual({ ok: true, rows: 3 });
  });

  it('serialises concurrent writers of one tenant into one gap-free chain', async () => {
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        audit.record({ tenantId: 'tn_c', action: 'x', outcome: 'ok', details: { i } }),
      ),
    );
    expect(await audit.verify('tn_c')).toEqual({ ok: true, rows: 20 });
  });

  it('detects an edited row, a deleted middle row and a forged hash', async () => {
    await seed('tn_a', 5);
    await sql`update audit_events set outcome = 'refused' where tenant_id = 'tn_a' and seq = 3`.execute(t.db);
    expect(await audit.verify('tn_a')).toMatchObject({ ok: false, brokenAtSeq: '3', reason: 'row altered' });

    await t.truncate();
    await seed('tn_a', 5);
    await sql`delete from audit_events where tenant_id = 'tn_a' and seq = 2`.execute(t.db);
    expect(await audit.verify('tn_a')).toMatchObject({ ok: false, brokenAtSeq: '3', reason: 'missing row' });

    await t.truncate();
    await seed('tn_a', 3);
    await sql`update audit_events set details = '{"i": 99}'::jsonb, hash = repeat('a', 64) where tenant_id = 'tn_a' and seq = 2`.execute(
      t.db,
    );
    expect(await audit.verify('tn_a')).toMatchObject({ ok: false, brokenAtSeq: '2' });
  });

  it('prunes rows past retention and the remaining chain still verifies', async () => {
    await seed('tn_a', 10); // one row a day
    const removed = await pruneAudit({ audit, retentionDays: 4, now: () => clock });
    expect(removed).toBe(5); // days 1-5; day 6 sits exactly on the cutoff and stays
    expect(await audit.verify('tn_a')).toEqual({ ok: true, rows: 5 });
  });

  it('exports a tenant as JSON lines in order, paging through the table', async () => {
    await seed('tn_a', 7);
    await seed('tn_b', 2);
    const lines: string[] = [];
    for await (const l of exportAuditJsonl(t.db, 'tn_a', 3)) lines.push(l);
    expect(lines).toHaveLength(7);
    const parsed = lines.map((l) => JSON.parse(l) as { seq: string; tenant_id: string });
    expect(parsed.map((p) => p.seq)).toEqual(['1', '2', '3', '4', '5', '6', '7']);
    expect(parsed.every((p) => p.tenant_id === 'tn_a')).toBe(true);
  });
});
