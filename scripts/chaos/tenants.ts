// Several sandbox workspaces, each a deskpilot tenant with its own app secret and its own token, registered
// through the product's own stores and connectTenant, exactly as an operator would (see src/cli/demo.ts).
import type { Deps } from '../../src/deps.js';
import type { IntercomSandbox } from '@deskpilot/intercom-sandbox';
import { connectTenant } from '../../src/vault/connect.js';

export interface ChaosTenant {
  tenantId: string;
  workspaceId: string;
  secret: string;
  botAdminId: string;
}

const TEAMS = ['Billing', 'Technical', 'Customer Success'] as const;

export async function registerTenants(
  deps: Deps,
  intercom: IntercomSandbox,
  count: number,
  seed: number,
): Promise<ChaosTenant[]> {
  const out: ChaosTenant[] = [];
  for (let i = 0; i < count; i++) {
    const workspaceId = `chaos${seed.toString(36)}w${i}`;
    intercom.addWorkspace({ appId: workspaceId, name: `Chaos shop ${i}` });
    const bot = intercom.addAdmin(workspaceId, {
      name: `Support bot ${i}`,
      email: `bot${i}@chaos.example.com`,
      bot: true,
    });
    const human = intercom.addAdmin(workspaceId, { name: `Agent ${i}`, email: `agent${i}@chaos.example.com` });
    const teams = TEAMS.map((name) => ({
      name,
      id: intercom.addTeam(workspaceId, { name, adminIds: [human.id] }).id,
      handles: `${name.toLowerCase()} questions`,
    }));
    const secret = `chaos-secret-${seed}-${i}`;
    const app = await deps.tenants.addApp({ name: `Chaos app ${i}`, clientSecret: secret });
    const tenant = await deps.tenants.addTenant({
      name: `Chaos shop ${i}`,
      workspaceId,
      appId: app.id,
      mode: 'autonomous',
      settings: { teams, tone: 'brief' },
    });
    await connectTenant(deps, {
      tenantId: tenant.id,
      token: intercom.issueToken(workspaceId, bot.id),
      source: 'token',
    });
    out.push({ tenantId: tenant.id, workspaceId, secret, botAdminId: bot.id });
  }
  return out;
}
