// The operator-editable part of a tenant: autonomy mode, allowed tools and settings (tone, routing table,
// policies, sweeps, limits), validated before it reaches the database.
import { z } from 'zod';
import { PolicySettingsInput } from '../policy/settings.js';
import { AutonomySettingsInput } from '../policy/autonomy.js';

const positiveMs = z.number().int().min(0);

export const TenantSettingsInput = z.strictObject({
  tone: z.string().min(1).max(300).optional(),
  teams: z
    .array(
      z.strictObject({ name: z.string().min(1).max(100), id: z.string().min(1).max(64), handles: z.string().max(500) }),
    )
    .max(100)
    .optional(),
  admins: z
    .array(z.strictObject({ name: z.string().min(1).max(100), id: z.string().min(1).max(64) }))
    .max(500)
    .optional(),
  policies: z.array(z.string().min(1).max(1_000)).max(50).optional(),
  handoffTeamId: z.string().min(1).max(64).optional(),
  sweeps: z
    .strictObject({
      intervalMs: positiveMs.optional(),
      waitingMs: positiveMs.optional(),
      unassignedMs: positiveMs.optional(),
      abandonMs: positiveMs.optional(),
      windowMs: positiveMs.optional(),
      enabled: z.boolean().optional(),
    })
    .optional(),
  limits: z
    .strictObject({
      appPerMinute: z.number().int().min(6).optional(),
      workspacePerMinute: z.number().int().min(6).optional(),
    })
    .optional(),
  policy: PolicySettingsInput.optional(),
  autonomy: AutonomySettingsInput.optional(),
});

/** A tenant's allowed tools, checked against the tool names the caller knows (tools/registry.ts owns them). */
export function allowedToolsSchema(toolNames: readonly string[]) {
  return z
    .array(z.string())
    .min(1)
    .refine((names) => names.every((n) => toolNames.includes(n)), {
      message: `tools must be among: ${toolNames.join(', ')}`,
    });
}
