// The ONLY place clients are built (STYLE §1): Redis, database, Intercom pools, model, and everything wired
// from them. Each process role asks for what it needs; close() releases it all in reverse order.
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { createWriteGate } from './agent/gate.js';
import { createTeamDirectory } from './agent/team-directory.js';
import { createTokenSpend } from './agent/token-spend.js';
import { createActionLedger } from './agent/ledger.js';
import type { LoopDeps } from './agent/loop.js';
import { createAnthropicModel, type ModelClient } from './agent/model.js';
import { loadPromptTemplates } from './agent/prompts.js';
import { createRunStore } from './agent/run-store.js';
import { createAuditLog, type AuditLog } from './audit/audit-log.js';
import { requireVaultKey, type Config } from './config.js';
import { createDb, probeDatabase, type Db } from './db/database.js';
import { ConfigError } from './errors.js';
import { createIntercomPools, type IntercomPools } from './intercom/client.js';
import {
  createWindowLimiter as createRateLimiter,
  type WindowLimiter as RateLimiter,
} from './limiter/window-limiter.js';
import { createMetrics, type Metrics } from './metrics.js';
import { createProducerRedis, createWorkerRedis, probeRedis } from './queue/connections.js';
import { QUEUES } from './queue/jobs.js';
import { createConversationProducer, type ConversationProducer } from './queue/producer.js';
import { createCipher, createKeyring } from './vault/cipher.js';
import { createKeySightings, type KeySightings } from './vault/key-sightings.js';
import { createConnectionStore, type ConnectionStore } from './vault/connection-store.js';
import { createRevocationBus, type RevocationBus } from './vault/revocation-bus.js';
import { createTenantStore, type TenantStore } from './vault/tenant-store.js';
import { createVault, type Vault } from './vault/vault.js';

export interface Deps {
  config: Config;
  logger: Logger;
  db: Db;
  metrics: Metrics;
  /** Blocking-safe connection for workers, schedulers and the limiter. */
  redis: Redis;
  /** Fail-fast connection for the receiver's enqueue path (answers 503 instead of hanging). */
  producerRedis: Redis;
  conversationQueue: Queue;
  /** Sweep and gap-recovery jobs and their schedulers (jobs/sweep-worker.ts). */
  sweepQueue: Queue;
  /** Every queue operators see (dead letters, queue UI, depth metrics); roles append theirs. */
  queues: Queue[];
  producer: ConversationProducer;
  tenants: TenantStore;
  connections: ConnectionStore;
  audit: AuditLog;
  bus: RevocationBus;
  limiter: RateLimiter;
  pools: IntercomPools;
  vault: Vault;
  /** Id (a hash prefix, not the key) of the master key this process seals with. */
  vaultKeyId: string;
  keySightings: KeySightings;
  /** Built lazily: only worker roles need a model. */
  loop(): LoopDeps;
  close(): Promise<void>;
}

export interface BuildOptions {
  /** Overrides the configured model (tests, evals with a scripted ModelClient). */
  model?: ModelClient;
  db?: Db;
  /** Extra Redis connection options, e.g. a different host for chaos runs. */
  limiterMaxWaitMs?: number;
}

export async function buildDeps(config: Config, logger: Logger, opts: BuildOptions = {}): Promise<Deps> {
  const cipher = createCipher(createKeyring(requireVaultKey(config), config.DESKPILOT_VAULT_PREVIOUS_KEYS));
  // Fail fast, once, with the variable to fix, before building clients that reconnect forever (and before any
  // BullMQ queue, which would print its own eviction banner).
  await probeRedis(config.REDIS_URL);
  if (!opts.db && config.DATABASE_URL) await probeDatabase(config.DATABASE_URL);
  const db = opts.db ?? createDb({ url: config.DATABASE_URL, pgliteDir: config.PGLITE_DIR });
  const metrics = createMetrics({ defaultMetrics: true });
  const redis = createWorkerRedis(config.REDIS_URL);
  const producerRedis = createProducerRedis(config.REDIS_URL);
  const subscriber = createWorkerRedis(config.REDIS_URL);
  const prefix = config.DESKPILOT_PREFIX;

  const tenants = createTenantStore({ db, cipher });
  const connections = createConnectionStore({ db, cipher });
  const audit = createAuditLog({ db });
  const bus = await createRevocationBus({ subscriber, publisher: redis, prefix });
  const limiter = countLimiterWaits(
    createRateLimiter({ redis, prefix, safetyMargin: config.LIMITER_SAFETY_MARGIN }),
    metrics,
  );
  const pools = createIntercomPools();
  const conversationQueue = new Queue(QUEUES.conversations, { connection: producerRedis, prefix });
  const sweepQueue = new Queue(QUEUES.sweeps, { connection: redis, prefix });
  // Maintenance (liveness probe) and retention are listed too, so their failures show in the DLQ tools, the
  // queue UI and the depth metrics of every role, not only in the process that runs them.
  const queues: Queue[] = [
    conversationQueue,
    sweepQueue,
    new Queue(QUEUES.maintenance, { connection: redis, prefix }),
    new Queue(QUEUES.retention, { connection: redis, prefix }),
  ];
  const producer = createConversationProducer({
    queue: conversationQueue,
    redis: producerRedis,
    prefix,
    policy: { attempts: config.JOB_ATTEMPTS, backoffMs: 5_000 },
  });
  const vault = createVault({
    tenants,
    connections,
    bus,
    audit,
    intercom: { version: config.INTERCOM_VERSION, baseUrlOverride: config.INTERCOM_BASE_URL, pools },
    limiter: { limiter, maxWaitMs: opts.limiterMaxWaitMs ?? 3_000 },
    logger,
    onIntercomResponse: (i) => metrics.intercomCalls.inc({ operation: i.operation, status: String(i.status) }),
    onRevoked: () => metrics.revocations.inc(),
  });

  let loopDeps: LoopDeps | undefined;
  const loop = (): LoopDeps => {
    loopDeps ??= {
      model: opts.model ?? modelFromConfig(config),
      runs: createRunStore({ db }),
      gate: createWriteGate({ ledger: createActionLedger({ db }), audit, metrics, logger }),
      audit,
      metrics,
      templates: loadPromptTemplates(),
      teams: createTeamDirectory(),
      spend: createTokenSpend({ redis, prefix }),
      limits: {
        maxTurns: config.AGENT_MAX_TURNS,
        tokenBudget: config.AGENT_TOKEN_BUDGET,
        maxOutputTokens: config.AGENT_MAX_OUTPUT_TOKENS,
      },
    };
    return loopDeps;
  };

  return {
    config,
    logger,
    db,
    metrics,
    redis,
    producerRedis,
    conversationQueue,
    sweepQueue,
    queues,
    producer,
    tenants,
    connections,
    audit,
    bus,
    limiter,
    pools,
    vault,
    vaultKeyId: cipher.currentKeyId,
    keySightings: createKeySightings({ redis, prefix }),
    loop,
    async close() {
      await Promise.all(queues.map((q) => q.close().catch(() => undefined)));
      await bus.close();
      await pools.close();
      subscriber.disconnect();
      producerRedis.disconnect();
      redis.disconnect();
      if (!opts.db) await db.destroy();
    },
  };
}

function modelFromConfig(config: Config): ModelClient {
  if (!config.ANTHROPIC_API_KEY) {
    throw new ConfigError(
      'invalid configuration: ANTHROPIC_API_KEY: required for the worker (or point ANTHROPIC_BASE_URL at `deskpilot sandbox`)',
    );
  }
  return createAnthropicModel({
    apiKey: config.ANTHROPIC_API_KEY,
    baseURL: config.ANTHROPIC_BASE_URL,
    model: config.ANTHROPIC_MODEL,
  });
}

/** Counts refusals (each becomes a short wait in the run or a delayed job) without touching the limiter. */
function countLimiterWaits(limiter: RateLimiter, metrics: Metrics): RateLimiter {
  return {
    ...limiter,
    take: async (keys, opts) => {
      const r = await limiter.take(keys, opts);
      if (!r.ok) metrics.limiterWaits.inc({ outcome: opts?.priority ?? 'action' });
      return r;
    },
  };
}
