// `deskpilot tenant configure`: mode, tools and settings are validated before they are stored, and audited.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tenantConfigure } from '../../../src/cli/tenant.js';
import { buildToolset } from '../../../src/tools/registry.js';
import { startHarness, type Harness } from '../../support/harness.js';
import { cliContext } from './support.js';

describe('tenant configure', () => {
  let h: Harness;
  let tenantId: string;
  const dir = mkdtempSync(join(tmpdir(), 'dp-configure-'));
  beforeAll(async () => {
    h = await startHarness({ work: false });
    tenantId = (await h.addTenant()).tenant.id;
  });
  afterAll(async () => h?.close());

  it('stores a valid mode, tool set and routing table, and the registry offers exactly those tools', async () => {
    const file = join(dir, 'ok.json');
    writeFileSync(
      file,
      JSON.stringify({ tone: 'formal', teams: [{ name: 'Billing', id: '5120001', handles: 'invoices' }] }),
    );
    const ctx = cliContext(h);
    await tenantConfigure(
      { tenant: tenantId, mode: 'assist', tools: 'triage,reply,add_note,handoff', settings: file },
      ctx,
    );
    const t = await h.deps.tenants.getTenant(tenantId);
    expect(t.mode).toBe('assist');
    expect(t.settings).toEqual({ tone: 'formal', teams: [{ name: 'Billing', id: '5120001', handles: 'invoices' }] });
    // assist removes the customer-visible reply even though it is allowed
    expect(buildToolset(t.allowed_tools, t.mode).tools.map((x) => x.name)).toEqual(['triage', 'add_note', 'handoff']);
    const audit = await h.deps.audit.query({ tenantId });
    expect(audit.some((a) => a.action === 'tenant.configured')).toBe(true);
  });

  it('refuses unknown tools and malformed settings, changing nothing', async () => {
    const before = await h.deps.tenants.getTenant(tenantId);
    const ctx = cliContext(h);
    await expect(tenantConfigure({ tenant: tenantId, tools: 'reply,delete_workspace' }, ctx)).rejects.toThrow(
      /tools must be among/,
    );
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ teams: [{ name: 'Billing' }], surprise: true }));
    await expect(tenantConfigure({ tenant: tenantId, settings: bad }, ctx)).rejects.toThrow(/--settings: .*teams/);
    expect(await h.deps.tenants.getTenant(tenantId)).toEqual(before);
  });
});
