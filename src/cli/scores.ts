// `deskpilot scores --tenant <id> [--json]`: score shadow conversations that are due, then print the scorecard.
import { createScoreStore } from '../scoring/score-store.js';
import { loadScorecard, renderScorecardText } from '../scoring/scorecard.js';
import { scoreShadowConversations, SHADOW_SOURCE } from '../scoring/score-shadow.js';
import type { CliContext } from './context.js';
import { parseCount } from './parse.js';

export interface ScoresArgs {
  tenant: string;
  json?: boolean;
  source?: string;
  horizonHours?: string;
  refresh?: boolean;
}

export async function scoresCommand(args: ScoresArgs, ctx: CliContext): Promise<void> {
  const deps = await ctx.deps();
  const tenant = await deps.tenants.getTenant(args.tenant);
  const scores = createScoreStore({ db: deps.db });
  const source = args.source ?? SHADOW_SOURCE;
  if (source === SHADOW_SOURCE && args.refresh !== false) {
    const hours = parseCount('horizon-hours', args.horizonHours, 24 * 90);
    await scoreShadowConversations(
      { vault: deps.vault, scores, logger: ctx.logger },
      { tenantId: tenant.id, ...(hours ? { horizonMs: hours * 3_600_000 } : {}) },
    );
  }
  const card = await loadScorecard(scores, { tenantId: tenant.id, source, autonomy: tenant.settings.autonomy });
  if (args.json) ctx.print(JSON.stringify(card, null, 2));
  else for (const line of renderScorecardText(card)) ctx.print(line);
}
