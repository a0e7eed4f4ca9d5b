// The only place clients are built. Narrow factories, one per concern, compose a root per role:
// `buildReceiver` (serve), `buildWorker` (work) and `buildDeps` (all, the CLI tools and tests). Each root builds
// every object it uses once and nothing it does not use; close() releases it all in reverse order.
import { Queue } from 'bullmq';
import type { Cluster, Redis } from 'ioredis';
import type { Logger } from 'pino';
import { createWriteGate } from './agent/gate.js';
import { createActionLedger } from './agent/ledger.js';
import type { LoopDeps } from './agent/loop.js';
import { createAnthropicModel, type ModelClient } from './agent/model.js';
import { loadPromptTemplates } from './agent/prompts.js';
import { createPricing } from './agent/pricing.js';
import { createRunStore } from './agent/run-store.js';
import { createWorkspaceDirectory } from './agent/workspace-directory.js';
import { createTokenSpend } from './agent/token-spend.js';
import { createAuditLog, type AuditLog } from './audit/audit-log.js';
import { requireVaultKey, type Config } from './config.js';
import { createDb, probeDatabase, type Db } from './db/database.js';
import { ConfigError } from './errors.js';
import { createIntercomPools, type IntercomPools } from './intercom/client.js';
import { createAdmission } from './limiter/admission.js';
import { createWindowLimiter, type WindowLimiter } from './limiter/window-limiter.js';
import { createMetrics, type Metrics } from './metrics.js';
import { createProducerRedis, createWorkerRedis, probeRedis, queuePrefix } from './queue/connections.js';
import { createDeadLetters, type DeadLetters } from './queue/dead-letters.js';
import { QUEUES } from './queue/jobs.js';
import { createConversationProducer, type ConversationProducer, type JobAdmission } from './queue/producer.js';
import { createCipher, createKeyring, type Keyring } from './vault/cipher.js';
import { createConnectionStore, type ConnectionStore } from './vault/connection-store.js';
import { createKeySightings, type KeySightings } from './vault/key-sightings.js';
import { createRevocationBus, type RevocationBus } from './vault/revocation-bus.js';
import { createTenantStore, type TenantStore } from './vault/tenant-store.js';
import { createVault, type Vault } from './vault/vault.js';

/** What every role has: config, logging, the database, metrics, Redis, the stores and the queues. */
export interface CoreDeps {
  config: Config;
  logger: Logger;
  db: Db;
  metrics: Metrics;
  /** Blocking-safe connection for workers, schedulers and the limiter. */
  redis: Redis | Cluster;
  /** Fail-fast connection for the enqueue path (answers 503 instead of hanging). */
  producerRedis: Redis | Cluster;
  conversationQueue: Queue;
  /** Sweep and gap-recovery jobs and their schedulers. */
  sweepQueue: Queue;
  /** Liveness probe jobs. */
  maintenanceQueue: Queue;
  /** Audit retention jobs. */
  retentionQueue: Queue;
  /** Every queue operators see (dead letters, queue UI, depth metrics). */
  queues: Queue[];
  deadLetters: DeadLetters;
  producer: ConversationProducer;
  tenants: TenantStore;
  connections: ConnectionStore;
  audit: AuditLog;
  /** The master keys this process holds (sealing secrets, signing OAuth state). */
  keyring: Keyring;
  /** Id (a hash prefix, not the key) of the master key this process seals with. */
  vaultKeyId: string;
  keySightings: KeySightings;
  close(): Promise<void>;
}

/** The path to Intercom: revocation bus, limiter, HTTP pools and the vault that hands out wrapped clients. */
export interface IntercomDeps {
  bus: RevocationBus;
  limiter: WindowLimiter;
  pools: IntercomPools;
  vault: Vault;
}

/** `serve`: the receiver, OAuth, admin API, MCP. Intercom access only when OAuth install or MCP is on. */
export type ReceiverDeps = CoreDeps & { intercom: IntercomDeps | undefined };

/** `work`: the workers and schedulers. */
export type WorkerDeps = CoreDeps &
  IntercomDeps & {
    /** Built lazily: the first worker that needs the model builds it. */
    loop(): LoopDeps;
  };

/** `all`, the operator CLI and tests: everything, each object once. */
export type Deps = WorkerDeps & { intercom: IntercomDeps };

export interface BuildOptions {
  /** Overrides the configured model (tests, evals with a scripted ModelClient). */
  model?: ModelClient;
  db?: Db;
  limiterMaxWaitMs?: number;
}

type Closer = () => Promise<void> | void;

async function openCore(config: Config, logger: Logger, opts: BuildOptions, closers: Closer[]): Promise<CoreDeps> {
  const keyring = createKeyring(requireVaultKey(config), config.DESKPILOT_VAULT_PREVIOUS_KEYS);
  const cipher = createCipher(keyring);
  // Fail fast, once, with the variable to fix, before building clients that reconnect forever (and before any
  // BullMQ queue, which would print its own eviction banner).
  await probeRedis(config.REDIS_URL);
  if (!opts.db && config.DATABASE_URL) await probeDatabase(config.DATABASE_URL);
  const db = opts.db ?? createDb({ url: config.DATABASE_URL, pgliteDir: config.PGLITE_DIR });
  if (!opts.db) closers.push(() => db.destroy());
  const redis = createWorkerRedis(config.REDIS_URL);
  const producerRedis = createProducerRedis(config.REDIS_URL);
  closers.push(
    () => redis.disconnect(),
    () => producerRedis.disconnect(),
  );
  const prefix = config.DESKPILOT_PREFIX;
  const bull = { prefix: queuePrefix(prefix, redis) };
  const conversationQueue = new Queue(QUEUES.conversations, { connection: producerRedis, ...bull });
  const sweepQueue = new Queue(QUEUES.sweeps, { connection: redis, ...bull });
  const maintenanceQueue = new Queue(QUEUES.maintenance, { connection: redis, ...bull });
  const retentionQueue = new Queue(QUEUES.retention, { connection: redis, ...bull });
  // Every queue is listed, so failures of the probe and retention show in the DLQ tools, the queue UI and the
  // depth metrics of every role, not only in the process that runs them.
  const queues = [conversationQueue, sweepQueue, maintenanceQueue, retentionQueue];
  closers.push(() => Promise.all(queues.map((q) => q.close().catch(() => undefined))).then(() => undefined));
  return {
    config,
    logger,
    db,
    metrics: createMetrics({ defaultMetrics: true }),
    redis,
    producerRedis,
    conversationQueue,
    sweepQueue,
    maintenanceQueue,
    retentionQueue,
    queues,
    deadLetters: createDeadLetters({ queues }),
    producer: conversationProducer({ config, conversationQueue, producerRedis }),
    tenants: createTenantStore({ db, cipher }),
    connections: createConnectionStore({ db, cipher }),
    audit: createAuditLog({ db }),
    keyring,
    vaultKeyId: cipher.currentKeyId,
    keySightings: createKeySightings({ redis, prefix }),
    close: () => runClosers(closers),
  };
}

async function openIntercom(core: CoreDeps, opts: BuildOptions, closers: Closer[]): Promise<IntercomDeps> {
  const { config, metrics, redis, logger } = core;
  const subscriber = createWorkerRedis(config.REDIS_URL);
  closers.push(() => subscriber.disconnect());
  const prefix = config.DESKPILOT_PREFIX;
  const bus = await createRevocationBus({ subscriber, publisher: redis, prefix });
  closers.push(() => bus.close());
  const limiter = countLimiterWaits(
    createWindowLimiter({ redis, prefix, safetyMargin: config.LIMITER_SAFETY_MARGIN }),
    metrics,
  );
  const pools = createIntercomPools();
  closers.push(() => pools.close());
  const vault = createVault({
    tenants: core.tenants,
    connections: core.connections,
    bus,
    audit: core.audit,
    intercom: { version: config.INTERCOM_VERSION, baseUrlOverride: config.INTERCOM_BASE_URL, pools },
    limiter: { limiter, maxWaitMs: opts.limiterMaxWaitMs ?? 3_000 },
    logger,
    onIntercomResponse: (i) => metrics.intercomCalls.inc({ operation: i.operation, status: String(i.status) }),
    onRevoked: () => metrics.revocations.inc(),
  });
  return { bus, limiter, pools, vault };
}

/** Holds no resources (a closure over the queue and connection), so a root may swap in an admitting one. */
function conversationProducer(
  c: Pick<CoreDeps, 'config' | 'conversationQueue' | 'producerRedis'>,
  admission?: JobAdmission,
): ConversationProducer {
  return createConversationProducer({
    queue: c.conversationQueue,
    redis: c.producerRedis,
    prefix: c.config.DESKPILOT_PREFIX,
    policy: { attempts: c.config.JOB_ATTEMPTS, backoffMs: 5_000 },
    ...(admission ? { admission } : {}),
  });
}

/**
 * Roots that receive webhooks queue each job at the place the limiter gives its tenant (ARCHITECTURE: Fair
 * scheduling); without the limiter (no Intercom path open) jobs are queued at once.
 */
function admittingProducer(core: CoreDeps, intercom: IntercomDeps): ConversationProducer {
  return conversationProducer(core, createAdmission({ limiter: intercom.limiter }));
}

function agentLoop(core: CoreDeps, opts: BuildOptions): () => LoopDeps {
  let loopDeps: LoopDeps | undefined;
  return () => {
    const { config, db, audit, metrics, logger } = core;
    loopDeps ??= {
      model: opts.model ?? modelFromConfig(config),
      runs: createRunStore({ db, costing: runCosting(config) }),
      gate: createWriteGate({ ledger: createActionLedger({ db }), audit, metrics, logger }),
      audit,
      metrics,
      templates: loadPromptTemplates(),
      directory: createWorkspaceDirectory(),
      spend: createTokenSpend({ redis: core.redis, prefix: config.DESKPILOT_PREFIX }),
      limits: {
        maxTurns: config.AGENT_MAX_TURNS,
        tokenBudget: config.AGENT_TOKEN_BUDGET,
        maxOutputTokens: config.AGENT_MAX_OUTPUT_TOKENS,
      },
    };
    return loopDeps;
  };
}

/** The `serve` role: no model, no workers; Intercom access for the OAuth install flow and the MCP endpoint. */
export async function buildReceiver(config: Config, logger: Logger, opts: BuildOptions = {}): Promise<ReceiverDeps> {
  const closers: Closer[] = [];
  const core = await openCore(config, logger, opts, closers);
  const oauthConfigured = Boolean(config.INTERCOM_CLIENT_ID && config.INTERCOM_CLIENT_SECRET);
  const needsIntercom = oauthConfigured || config.MCP_ENABLED;
  const intercom = needsIntercom ? await openIntercom(core, opts, closers) : undefined;
  return intercom ? { ...core, producer: admittingProducer(core, intercom), intercom } : { ...core, intercom };
}

/** The `work` role: workers, schedulers, the agent loop. */
export async function buildWorker(config: Config, logger: Logger, opts: BuildOptions = {}): Promise<WorkerDeps> {
  const closers: Closer[] = [];
  const core = await openCore(config, logger, opts, closers);
  const intercom = await openIntercom(core, opts, closers);
  return { ...core, ...intercom, loop: agentLoop(core, opts) };
}

/** Everything: the `all` role, operator commands and tests. */
export async function buildDeps(config: Config, logger: Logger, opts: BuildOptions = {}): Promise<Deps> {
  const closers: Closer[] = [];
  const core = await openCore(config, logger, opts, closers);
  const intercom = await openIntercom(core, opts, closers);
  const producer = admittingProducer(core, intercom);
  return { ...core, ...intercom, producer, intercom, loop: agentLoop(core, opts) };
}

/** Closes in reverse order of opening; one failure does not keep the rest open. */
async function runClosers(closers: Closer[]): Promise<void> {
  for (const close of [...closers].reverse()) await Promise.resolve(close()).catch(() => undefined);
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

function runCosting(config: Config) {
  const pricing = createPricing(config.MODEL_PRICES);
  return { model: config.ANTHROPIC_MODEL, costUsd: pricing.costUsd.bind(null, config.ANTHROPIC_MODEL) };
}

/** Counts refusals (each becomes a short wait in the run or a delayed job) without touching the limiter. */
function countLimiterWaits(limiter: WindowLimiter, metrics: Metrics): WindowLimiter {
  return {
    ...limiter,
    take: async (keys, opts) => {
      const r = await limiter.take(keys, opts);
      if (!r.ok) metrics.limiterWaits.inc({ outcome: opts?.priority ?? 'action' });
      return r;
    },
  };
}
