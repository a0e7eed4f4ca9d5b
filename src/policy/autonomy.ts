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
      // The tenant's thresholds replace the defaults; an empty set would be no bar at all.
      thresholds: z
        .partialRecord(z.enum(SCORE_DIMENSIONS), Share)
        .refine((t) => Object.keys(t).length > 0, 'name at least one threshold')
        .optional(),
    })
    .optional(),
});
export type AutonomySettings = z.infer<typeof AutonomySettingsInput>;

export const READINESS_DEFAULTS = {
  minConversations: 50,
  thresholds: { routing: 0.85, resolution: 0.8, handoff: 0.85 } as Partial<Record<ScoreDimension, number>>,
};

const STRICTNESS: Record<TenantMode, number> = { shadow: 2, assist: 1, autonomous: 0 };
const strictest = (modes: readonly TenantMode[]): TenantMode =>
  modes.reduce((a, b) => (STRICTNESS[b] > STRICTNESS[a] ? b : a));

/**
 * The mode for this run's actions. The category comes from the model's own triage, which customer text can
 * steer, so it may only tighten: before any triage the strictest of the tenant's and every configured category's
 * mode applies (a reply sent first cannot go live for a shadow category), and after it the strictest mode of all
 * the categories triaged in this run (a second triage cannot loosen the first).
 */
export function modeForCategory(
  tenantMode: TenantMode,
  autonomy: AutonomySettings | undefined,
  triaged: readonly string[],
): TenantMode {
  const configured = autonomy?.categories;
  if (!configured) return tenantMode;
  const modeOf = (c: string): TenantMode =>
    (TRIAGE_CATEGORIES as readonly string[]).includes(c)
      ? (configured[c as (typeof TRIAGE_CATEGORIES)[number]] ?? tenantMode)
      : tenantMode;
  if (triaged.length === 0) return strictest([tenantMode, ...Object.values(configured)]);
  return strictest(triaged.map(modeOf));
}
