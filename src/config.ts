// The one reader of process.env: parse once into a frozen Config, errors name keys never values.
import { z } from 'zod';
import { ConfigError } from './errors.js';

const bool = z
  .enum(['true', 'false'])
  .default('false')
  .transform((v) => v === 'true');

const vaultKey = z
  .string()
  .refine(
    (v) => Buffer.from(v, 'base64').length === 32 && /^[A-Za-z0-9+/]+={0,2}$/.test(v),
    'must be 32 bytes, base64',
  );

// ioredis would treat `notaurl` as a host name and `http://...` as a Redis server, then retry it forever.
// A cluster is `redis+cluster://host:port,host:port` (rediss+cluster for TLS): several hosts, so not a WHATWG URL.
const redisUrl = z
  .string()
  .refine(
    (v) => /^rediss?:$/.test(urlProtocol(v)) || /^rediss?\+cluster:\/\/[^/?#]+\/?$/.test(v),
    'must be a redis://, rediss:// or redis+cluster://host:port,host:port URL',
  );
const postgresUrl = z
  .string()
  .refine((v) => /^postgres(ql)?:$/.test(urlProtocol(v)), 'must be a postgres:// or postgresql:// URL');

function urlProtocol(v: string): string {
  return URL.canParse(v) ? new URL(v).protocol : '';
}

/** USD per million tokens for one model (agent/pricing.ts has the defaults). */
const ModelPrice = z.strictObject({
  input: z.number().min(0),
  output: z.number().min(0),
  cacheWrite: z.number().min(0),
  cacheRead: z.number().min(0),
});
export type ModelPrice = z.infer<typeof ModelPrice>;
export const PriceTable = z.record(z.string().min(1), ModelPrice);
export type PriceTable = z.infer<typeof PriceTable>;

const PLACEHOLDERS = new Set(['changeme', 'change-me', 'deskpilot-admin', 'secret', 'password']);

export const Env = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  /** The `work` role's own /healthz, /readyz and /metrics listener (the other roles serve them on PORT). */
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9464),
  PUBLIC_URL: z.url().optional(),
  /** `/mcp` on the serve role (README: the MCP endpoint); it gives `serve` Intercom access through the vault. */
  MCP_ENABLED: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  /** Host names the MCP endpoint answers besides loopback and PUBLIC_URL's host (DNS-rebinding guard), comma-separated. */
  MCP_ALLOWED_HOSTS: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((h) => h.trim().toLowerCase())
        .filter(Boolean),
    ),
  REDIS_URL: redisUrl.default('redis://127.0.0.1:6379'),
  DATABASE_URL: postgresUrl.optional(),
  PGLITE_DIR: z.string().default('./data/pglite'),
  DESKPILOT_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/)
    .default('dp'),
  DESKPILOT_VAULT_KEY: vaultKey.optional(),
  DESKPILOT_VAULT_PREVIOUS_KEYS: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .pipe(z.array(vaultKey)),
  ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  ANTHROPIC_API_KEY: z.string().min(1).optional(),
  ANTHROPIC_BASE_URL: z.url().optional(),
  ANTHROPIC_MODEL: z.string().min(1).default('claude-sonnet-4-6'),
  /** JSON `{ "<model>": { input, output, cacheWrite, cacheRead } }` in USD per million tokens, over the defaults. */
  MODEL_PRICES: z
    .string()
    .default('{}')
    .transform((v, ctx) => {
      try {
        return JSON.parse(v) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be JSON' });
        return z.NEVER;
      }
    })
    .pipe(PriceTable),
  /** Console sessions last this long (a signed cookie; changing ADMIN_TOKEN ends them all). */
  CONSOLE_SESSION_TTL_MS: z.coerce
    .number()
    .int()
    .min(60_000)
    .default(8 * 3_600_000),
  INTERCOM_BASE_URL: z.url().optional(),
  /** The versions deskpilot is tested against (README "Pinned version"). */
  INTERCOM_VERSION: z
    .enum(['2.15', '2.16'], { error: 'must be 2.15 or 2.16, the tested Intercom versions' })
    .default('2.15'),
  INTERCOM_CLIENT_ID: z.string().min(1).optional(),
  INTERCOM_CLIENT_SECRET: z.string().min(1).optional(),
  INTERCOM_OAUTH_URL: z.url().default('https://app.intercom.com/oauth'),
  WEBHOOK_MAX_BYTES: z.coerce.number().int().min(1024).max(10_485_760).default(1_048_576),
  WEBHOOK_TENANT_CACHE_MS: z.coerce.number().int().min(0).max(300_000).default(5_000),
  WEBHOOK_COALESCE_MS: z.coerce.number().int().min(0).max(60_000).default(2_000),
  /**
   * leading: a quiet conversation's first event runs at once, later ones within the window wait it (a fast first
   * reply). trailing: every event waits the window, so one run sees messages a customer splits over a few seconds.
   */
  WEBHOOK_COALESCE_EDGE: z.enum(['leading', 'trailing']).default('leading'),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(2_000).default(50),
  JOB_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
  AGENT_MAX_TURNS: z.coerce.number().int().min(1).max(50).default(12),
  AGENT_TOKEN_BUDGET: z.coerce.number().int().min(1_000).default(200_000),
  AGENT_MAX_OUTPUT_TOKENS: z.coerce.number().int().min(64).max(64_000).default(2_048),
  LIMITER_SAFETY_MARGIN: z.coerce.number().min(0).max(0.5).default(0.02),
  PROBE_INTERVAL_MS: z.coerce.number().int().min(1_000).default(300_000),
  /** How often shadow proposals whose conversations closed are scored (#15). */
  SHADOW_SCORING_INTERVAL_MS: z.coerce.number().int().min(200).default(600_000),
  PROBE_STALE_AFTER_MS: z.coerce.number().int().min(1_000).default(900_000),
  AUDIT_RETENTION_DAYS: z.coerce.number().int().min(1).default(90),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_FORMAT: z.enum(['json', 'pretty']).default('json'),
  LOG_MODEL_CONTENT: bool,
});

export type Config = Readonly<z.infer<typeof Env>>;

/** Compose passes `VAR=` lines as empty strings: a blank variable means "use the default", like an absent one. */
function withoutBlanks(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && v.trim() !== '') out[k] = v;
  return out;
}

export function loadConfig(env: Record<string, string | undefined>): Config {
  const r = Env.safeParse(withoutBlanks(env));
  if (!r.success) {
    throw new ConfigError(
      `invalid configuration: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  const cfg = r.data;
  if (cfg.NODE_ENV === 'production') {
    for (const key of ['ADMIN_TOKEN', 'INTERCOM_CLIENT_SECRET'] as const) {
      const value = cfg[key];
      if (value !== undefined && PLACEHOLDERS.has(value.toLowerCase())) {
        throw new ConfigError(`invalid configuration: ${key}: placeholder value refused in production`);
      }
    }
    if (cfg.LOG_MODEL_CONTENT)
      throw new ConfigError('invalid configuration: LOG_MODEL_CONTENT must be false in production');
    // Without it the OAuth redirect_uri would come from the request's Host header, which a client controls.
    if (cfg.INTERCOM_CLIENT_ID && !cfg.PUBLIC_URL) {
      throw new ConfigError('invalid configuration: PUBLIC_URL: required in production when INTERCOM_CLIENT_ID is set');
    }
  }
  return Object.freeze(cfg);
}

/** Roles that touch credentials need the vault key; the demo generates its own before calling this. */
export function requireVaultKey(cfg: Config): string {
  if (!cfg.DESKPILOT_VAULT_KEY) {
    throw new ConfigError(
      'invalid configuration: DESKPILOT_VAULT_KEY: required (32 random bytes, base64; e.g. `openssl rand -base64 32`)',
    );
  }
  return cfg.DESKPILOT_VAULT_KEY;
}
