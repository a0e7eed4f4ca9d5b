// Autonomy per triage category (tenant settings key `autonomy`): a category may run in another mode than the
// tenant's, and earns autonomy against the readiness thresholds set here. Pure: the gate applies the mode once
// triage has named the category (ARCHITECTURE: the write gate).
import { z } from 'zod';
import type { TenantMode } from './settings.js';
import { TRIAGE_CATEGORIES } from './taxonomy.js';

export const SCORE_DIMENSIONS = ['routing', 'resolution', 'handoff', 'tags', 'grounding', 'timing', 'reply'] as const;
export type ScoreDimension = (typeof SCORE_DIMENSIONS)[number];

const Mode = z.enum(['shadow', 'assist', 'autonomous']);
const Share = z.number().min(0).max(1);

export const AutonomySettingsInput = z.strictObject({
  categories: z.partialRecord(z.enum(TRIAGE_CATEGORIES), Mode).optional(),
  /** A shadow conversation still open this long after the agent's proposal is scored as it stands. */
  shadowHorizonHours: z
    .number()
    .int()
    .min(1)
    .max(24 * 90)
    .optional(),
  readiness: z
    .strictObject({
      minConversations: z.number().int().min(1).max(100_000).optional(),
      /** The lower bound of each rate's 95% interval must reach its threshold. */
      thresholds: z.partialRecord(z.enum(SCORE_DIMENSIONS), Share).optional(),
    })
    .optional(),
});
export type AutonomySettings = z.infer<typeof AutonomySettingsInput>;

export const READINESS_DEFAULTS = {
  minConversations: 50,
  thresholds: { routing: 0.85, resolution: 0.8, handoff: 0.85 } as Partial<Record<ScoreDimension, number>>,
};

/** The mode for this run's actions: the category's own once triage named it, else the tenant's. */
export function modeForCategory(
  tenantMode: TenantMode,
  autonomy: AutonomySettings | undefined,
  category: string | undefined,
): TenantMode {
  if (!category || !autonomy?.categories) return tenantMode;
  const known = (TRIAGE_CATEGORIES as readonly string[]).includes(category);
  return known ? (autonomy.categories[category as (typeof TRIAGE_CATEGORIES)[number]] ?? tenantMode) : tenantMode;
}
