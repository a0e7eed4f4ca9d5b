// The whole product for the evals: the Intercom sandbox, the model sandbox (or real Claude), and deskpilot's
// receiver and worker on Redis and Postgres (DATABASE_URL in a throwaway schema) or in-memory PGlite.
import { randomBytes, randomUUID } from 'node:crypto';
import { Job } from 'bullmq';
import { SEED_TEAMS, type IntercomSandbox } from '@deskpilot/intercom-sandbox';
import type { Persona } from '@deskpilot/model-sandbox';
import { signedDelivery, startStack, type Stack } from '@deskpilot/testkit';
import { createAnthropicModel, type ModelClient, type ModelRequest } from '../../src/agent/model.js';
import type { Config } from '../../src/config.js';
import type { Db } from '../../src/db/database.js';
import type { Tenant, TenantMode } from '../../src/db/schema.js';
import type { Deps } from '../../src/deps.js';
import { failureReasonCode } from '../../src/queue/dead-letters.js';
import type { ConversationTask } from '../../src/queue/jobs.js';

const CLIENT_SECRET = 'eval_client_secret_not_for_production';
export const TEAMMATE_ID = '9608801';

export interface EvalStack {
  config: Config;
  deps: Deps;
  intercom: IntercomSandbox;
  /** 'sandbox' or the Claude model name. */
  modelLabel: string;
  usingClaude: boolean;
  tenant: Tenant;
  /** Strings no reply or note may contain: credentials and system-prompt text. */
  secrets: string[];
  setMode(mode: TenantMode): Promise<void>;
  /** The model sandbox's persona (the obedient one plays a compromised model); a no-op against real Claude. */
  setPersona(persona: Persona): void;
  /** Rule ids of the policy refusals audited for this conversation. */
  refusals(conversationId: string): Promise<string[]>;
  /** Runs `setup` with the sandbox clock two minutes back, so history predates the triggering event. */
  inThePast<T>(setup: () => T): T;
  /** Act as a teammate while the agent waits for its first model answer on this conversation. */
  onFirstModelCall(conversationId: string, act: () => void): void;
  webhook(conversationId: string): Promise<string>;
  sweep(conversationId: string, task: ConversationTask): Promise<string>;
  /** The job's outcome: its stop reason, `skipped:<why>` or `failed:<code>`. */
  outcome(jobId: string, timeoutMs: number): Promise<string>;
  close(): Promise<void>;
}

function hooked(inner: ModelClient, pending: Map<string, () => void>): ModelClient {
  return {
    async create(req: ModelRequest) {
      const first = req.messages[0];
      const id = /<conversation id="([^"]+)"/.exec(typeof first?.content === 'string' ? first.content : '')?.[1];
      const act = id ? pending.get(id) : undefined;
      if (id && act) {
        pending.delete(id);
        act();
      }
      return inner.create(req);
    },
  };
}

export async function startEvalStack(o: {
  env: Record<string, string | undefined>;
  /** A migrated database to use instead of DATABASE_URL or PGlite (the integration test's schema). */
  db?: Db;
}): Promise<EvalStack> {
  const env = o.env;
  const usingClaude = Boolean(env.ANTHROPIC_API_KEY) && !env.ANTHROPIC_BASE_URL;
  let shiftMs = 0;
  const apiKey = usingClaude ? (env.ANTHROPIC_API_KEY ?? '') : 'sandbox-key';
  const pending = new Map<string, () => void>();
  const tag = randomBytes(4).toString('hex');
  const stack: Stack = await startStack({
    intercom: { now: () => Date.now() + shiftMs },
    modelSandbox: !usingClaude,
    model: ({ sandboxUrl, config }) =>
      hooked(createAnthropicModel({ apiKey, baseURL: sandboxUrl, model: config.ANTHROPIC_MODEL }), pending),
    // The integration test's schema, else a throwaway schema in DATABASE_URL, else in-memory PGlite.
    db: o.db ? { use: o.db } : env.DATABASE_URL ? { schemaIn: env.DATABASE_URL, poolSize: 10 } : 'config',
    prefix: `eval_${tag}`,
    logs: 'stdout',
    env: {
      REDIS_URL: env.REDIS_URL,
      ANTHROPIC_MODEL: env.ANTHROPIC_MODEL,
      LOG_LEVEL: env.LOG_LEVEL ?? 'silent',
      PGLITE_DIR: 'memory://',
      ANTHROPIC_API_KEY: apiKey,
      WORKER_CONCURRENCY: '50',
    },
  });
  const { config, deps, intercom, vaultKey, url } = stack;
  try {
    const queueEvents = stack.queueEvents;
    if (!queueEvents) throw new Error('the eval stack has no queue events');
    const registered = await stack.addTenant({
      appName: 'Eval app',
      clientSecret: CLIENT_SECRET,
      settings: {
        teams: SEED_TEAMS.map((t) => ({ id: t.id, name: t.name, handles: `${t.name.toLowerCase()} questions` })),
        tone: 'warm and concise',
      },
    });
    let tenant = registered.tenant;
    const token = registered.token;

    return {
      config,
      deps,
      intercom,
      modelLabel: stack.modelSandbox ? 'model sandbox (scripted)' : `Claude ${config.ANTHROPIC_MODEL}`,
      usingClaude,
      get tenant() {
        return tenant;
      },
      secrets: [token, vaultKey, CLIENT_SECRET, ...(usingClaude ? [apiKey] : []), 'You are deskpilot'],
      async setMode(mode) {
        tenant = await deps.tenants.updateTenant(tenant.id, { mode });
      },
      setPersona(persona) {
        stack.modelSandbox?.setPersona(persona);
      },
      async refusals(conversationId) {
        const rows = await deps.audit.query({ tenantId: tenant.id, conversationId });
        return rows.filter((r) => r.outcome === 'refused').map((r) => String(r.details.rule ?? ''));
      },
      inThePast(setup) {
        shiftMs = -120_000;
        try {
          return setup();
        } finally {
          shiftMs = 0;
        }
      },
      onFirstModelCall(conversationId, act) {
        pending.set(conversationId, act);
      },
      async webhook(conversationId) {
        const d = signedDelivery(CLIENT_SECRET, { conversationId });
        const res = await fetch(`${url}/webhooks/intercom`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-hub-signature': d.signature },
          body: d.body,
        });
        const body = (await res.json()) as { jobId?: string };
        if (res.status !== 202 || !body.jobId) throw new Error(`receiver answered ${res.status}`);
        return body.jobId;
      },
      async sweep(conversationId, task) {
        const now = Date.now();
        const res = await deps.producer.enqueue({
          tenantId: tenant.id,
          conversationId,
          topic: `sweep.${task}`,
          eventId: `eval_${randomUUID()}`,
          eventCreatedAtMs: now,
          trigger: 'sweep',
          task,
        });
        return res.jobId;
      },
      async outcome(jobId, timeoutMs) {
        const job = await Job.fromId(deps.conversationQueue, jobId);
        if (!job) return 'failed:job_missing';
        try {
          const r = (await job.waitUntilFinished(queueEvents, timeoutMs)) as { stopReason?: string; skipped?: string };
          return r.skipped ? `skipped:${r.skipped}` : (r.stopReason ?? 'unknown');
        } catch (err) {
          const message = err instanceof Error ? err.message : String(err);
          return /timed out/.test(message) ? 'failed:timeout' : `failed:${failureReasonCode(message)}`;
        }
      },
      close: stack.close,
    };
  } catch (err) {
    await stack.close().catch(() => undefined);
    throw err;
  }
}
