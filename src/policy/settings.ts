// The per-tenant policy settings (tenant settings key `policy`) and their safe defaults. The write gate enforces
// the resolved policy on every action in every mode; the prompt only describes it.
import { z } from 'zod';
import { DEFAULT_TAG_PATTERNS } from './taxonomy.js';

const Hostname = z
  .string()
  .regex(/^(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)+$/i, 'a host name such as help.example.com or *.example.com');
/** An exact tag name, or a namespace such as `topic:*`. */
const TagPattern = z.string().regex(/^[\p{L}\p{N} _:.-]+\*?$/u, 'a tag name, or a prefix ending in *');

export const PolicySettingsInput = z.strictObject({
  links: z.strictObject({ allowedHosts: z.array(Hostname).max(50).optional() }).optional(),
  tags: z.strictObject({ allowed: z.array(TagPattern).max(200).optional() }).optional(),
  snooze: z.strictObject({ maxDays: z.number().positive().max(90).optional() }).optional(),
  volume: z
    .strictObject({
      repliesPerRun: z.number().int().min(0).max(20).optional(),
      repliesPerHour: z.number().int().min(0).max(100).optional(),
      maxBodyChars: z.number().int().min(100).max(5_000).optional(),
    })
    .optional(),
  // A cap below one run's prompt could never be met: the work would park every day forever.
  budget: z.strictObject({ dailyTokens: z.number().int().min(50_000).optional() }).optional(),
});
export type PolicySettings = z.infer<typeof PolicySettingsInput>;

/** How much the agent may do on its own; assist mode holds customer-visible actions for a teammate. */
export type TenantMode = 'shadow' | 'assist' | 'autonomous';

export interface Policy {
  /** Hosts customer-visible links may point at, besides the Help Center hosts this run's search returned. */
  allowedHosts: readonly string[];
  /** Tag names the agent may create, attach and remove: exact names or `prefix*`. */
  tagPatterns: readonly string[];
  snoozeMaxHours: number;
  repliesPerRun: number;
  repliesPerHour: number;
  maxBodyChars: number;
  /** Model tokens a tenant may spend per UTC day; past it, its work waits for the next day. */
  dailyTokens: number;
}

export const POLICY_DEFAULTS = {
  snoozeMaxDays: 7,
  repliesPerRun: 2,
  repliesPerHour: 4,
  maxBodyChars: 2_000,
  dailyTokens: 5_000_000,
} as const;

/** Takes the tenant's settings (db/schema.ts `TenantSettings`); only the `policy` key matters here. */
export function resolvePolicy(settings: { policy?: PolicySettings | undefined }): Policy {
  const p = settings.policy ?? {};
  return {
    allowedHosts: (p.links?.allowedHosts ?? []).map((h) => h.toLowerCase()),
    tagPatterns: [...DEFAULT_TAG_PATTERNS, ...(p.tags?.allowed ?? [])].map((t) => t.toLowerCase()),
    snoozeMaxHours: (p.snooze?.maxDays ?? POLICY_DEFAULTS.snoozeMaxDays) * 24,
    repliesPerRun: p.volume?.repliesPerRun ?? POLICY_DEFAULTS.repliesPerRun,
    repliesPerHour: p.volume?.repliesPerHour ?? POLICY_DEFAULTS.repliesPerHour,
    maxBodyChars: p.volume?.maxBodyChars ?? POLICY_DEFAULTS.maxBodyChars,
    dailyTokens: p.budget?.dailyTokens ?? POLICY_DEFAULTS.dailyTokens,
  };
}
