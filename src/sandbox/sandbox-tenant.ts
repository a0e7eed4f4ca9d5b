// Registers the Intercom sandbox's seeded workspace as a tenant (app, routing table, connection), the way an
// operator would with `tenant add`: shared by the demo and the evals.
import type { Tenant } from '../db/schema.js';
import type { Deps } from '../deps.js';
import { connectTenant } from '../vault/connect.js';
import type { IntercomSandbox } from './intercom-sandbox.js';
import { SEED_APP_ID, SEED_BOT_ADMIN_ID, SEED_TEAMS } from './intercom-seed-data.js';

export async function registerSandboxTenant(
  deps: Deps,
  intercom: IntercomSandbox,
  opts: { appName: string; clientSecret: string },
): Promise<{ tenant: Tenant; token: string }> {
  const app = await deps.tenants.addApp({ name: opts.appName, clientSecret: opts.clientSecret });
  const tenant = await deps.tenants.addTenant({
    mode: 'autonomous', // explicit: new tenants default to shadow
    name: 'Example Shop',
    workspaceId: SEED_APP_ID,
    appId: app.id,
    settings: {
      teams: SEED_TEAMS.map((t) => ({ id: t.id, name: t.name, handles: `${t.name.toLowerCase()} questions` })),
      tone: 'warm and concise',
    },
  });
  const token = intercom.issueToken(SEED_APP_ID, SEED_BOT_ADMIN_ID);
  await connectTenant(deps, { tenantId: tenant.id, token, source: 'token' });
  return { tenant, token };
}
