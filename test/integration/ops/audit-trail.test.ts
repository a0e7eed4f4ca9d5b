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
    expect(await audit.verify('tn_a')).toMatchObject({ ok: true, rows: 5 });
    expect(await audit.verify('tn_b')).toMatchObject({ ok: true, rows: 3 });
  });

  it('serialises concurrent writers of one tenant into one gap-free chain', async () => {
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        audit.record({ tenantId: 'tn_c', action: 'x', outcome: 'ok', details: { i } }),
      ),
    );
    expect(await audit.verify('tn_c')).toMatchObject({ ok: true, rows: 20 });
  });

  it('pages newest first by seq (the console): each page continues below the last one seen', async () => {
    for (let i = 0; i < 20; i += 1)
      await audit.record({ tenantId: 'tn_c', action: 'x', outcome: 'ok', details: { i } });
    const first = await audit.query({ tenantId: 'tn_c', order: 'desc', limit: 7 });
    const next = await audit.query({ tenantId: 'tn_c', order: 'desc', limit: 7, beforeSeq: Number(first.at(-1)!.seq) });
    const seqs = [...first, ...next].map((r) => Number(r.seq));
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
    expect(new Set(seqs).size).toBe(14);
    const newest = await audit.query({ tenantId: 'tn_c' });
    expect(Number(first[0]!.seq)).toBe(Math.max(...newest.map((r) => Number(r.seq))));
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
    const { removed } = await pruneAudit({ audit, retentionDays: 4, now: () => clock });
    expect(removed).toBe(5); // days 1-5; day 6 sits exactly on the cutoff and stays
    expect(await audit.verify('tn_a')).toMatchObject({ ok: true, rows: 5 });
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

describe('audit trail: both ends', () => {
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
      await audit.record({ tenantId, action: 'tool.tag', outcome: 'ok', details: { i } });
    }
  }
  const del = (where: string) =>
    sql.raw(`delete from audit_events where tenant_id = 'tn_a' and ${where}`).execute(t.db);

  it('detects the first 9 rows deleted without a checkpoint, and the last 7 against a stored head', async () => {
    await seed('tn_a', 25);
    const head = (await audit.head('tn_a'))!;
    expect(head.seq).toBe('25');
    await del('(seq <= 9 or seq > 18)');
    expect(await audit.verify('tn_a')).toMatchObject({
      ok: false,
      tampered: true,
      brokenAtSeq: '10',
      reason: 'rows before #10 missing and no retention checkpoint covers them',
    });
  });

  it('detects rows removed from the end only against a head stored elsewhere', async () => {
    await seed('tn_a', 25);
    const head = (await audit.head('tn_a'))!;
    await del('seq > 18');
    // Inside the database a shorter chain is still a valid chain: that is why the head must live outside it.
    expect(await audit.verify('tn_a')).toMatchObject({ ok: true, rows: 18, head: { seq: '18' } });
    expect(await audit.verify('tn_a', { head })).toMatchObject({
      ok: false,
      tampered: true,
      brokenAtSeq: '19',
      reason: 'rows after #18 missing (the stored head is #25)',
    });
    // A head from before a rewrite of the chain does not match the row now at that seq.
    expect(await audit.verify('tn_a', { head: { seq: '18', hash: head.hash } })).toMatchObject({
      ok: false,
      tampered: true,
      reason: 'row #18 does not match the stored head',
    });
  });

  it('keeps a checkpoint when pruning: the chain verifies, front deletions past it do not, and writes continue', async () => {
    await seed('tn_a', 10);
    const early = { seq: '3', hash: (await audit.query({ tenantId: 'tn_a' }))[2]!.hash };
    const atCut = { seq: '5', hash: (await audit.query({ tenantId: 'tn_a' }))[4]!.hash };
    const head = (await audit.head('tn_a'))!;
    expect((await pruneAudit({ audit, retentionDays: 4, now: () => clock })).removed).toBe(5);
    const cp = await t.db.selectFrom('audit_checkpoints').selectAll().execute();
    expect(cp).toMatchObject([{ tenant_id: 'tn_a', seq: '5', hash: atCut.hash, pruned_rows: '5' }]);
    expect(await audit.verify('tn_a', { head })).toMatchObject({ ok: true, rows: 5, checkpoint: atCut });
    expect(await audit.verify('tn_a', { head: atCut })).toMatchObject({ ok: true });
    expect(await audit.verify('tn_a', { head: early })).toMatchObject({ ok: false, tampered: false, brokenAtSeq: '3' });

    await del('seq = 6');
    expect(await audit.verify('tn_a')).toMatchObject({
      ok: false,
      brokenAtSeq: '7',
      reason: 'chain resumes at #7 but the retention checkpoint is at #5',
    });
  });

  it('continues the chain from the checkpoint after every row was pruned', async () => {
    await seed('tn_a', 3);
    clock += 30 * 86_400_000;
    expect((await pruneAudit({ audit, retentionDays: 4, now: () => clock })).removed).toBe(3);
    expect(await audit.head('tn_a')).toMatchObject({ seq: '3' });
    await seed('tn_a', 2);
    expect(await audit.verify('tn_a')).toMatchObject({ ok: true, rows: 2, head: { seq: '5' } });
    // A forged checkpoint no longer matches the first remaining row.
    await sql`update audit_checkpoints set hash = repeat('b', 64)`.execute(t.db);
    expect(await audit.verify('tn_a')).toMatchObject({
      ok: false,
      brokenAtSeq: '4',
      reason: 'prev_hash does not match the retention checkpoint',
    });
  });

  it('prunes only an unbroken prefix, and never prunes rows that do not verify', async () => {
    await seed('tn_a', 2);
    // Row 3 is written by a process whose clock runs a year ahead; rows 4-6 by correct clocks.
    clock += 365 * 86_400_000;
    await audit.record({ tenantId: 'tn_a', action: 'tool.tag', outcome: 'ok' });
    clock -= 365 * 86_400_000;
    await seed('tn_a', 3);
    const r0 = await pruneAudit({ audit, retentionDays: 1, now: () => clock });
    expect(r0).toEqual({ removed: 2, refused: [] }); // rows 4 and 5 are old enough but would leave a hole
    expect(await audit.verify('tn_a')).toMatchObject({ ok: true, rows: 4, checkpoint: { seq: '2' } });

    await t.truncate();
    await seed('tn_a', 6);
    await seed('tn_b', 6);
    await sql`update audit_events set outcome = 'refused' where tenant_id = 'tn_a' and seq = 2`.execute(t.db);
    const r = await pruneAudit({ audit, retentionDays: 2, now: () => clock });
    expect(r.refused).toEqual([{ tenantId: 'tn_a', brokenAtSeq: '2', reason: 'row altered' }]);
    expect(r.removed).toBe(3); // tn_b's rows older than two days still go
    expect(await audit.query({ tenantId: 'tn_a' })).toHaveLength(6); // the evidence stays
  });
});
