// A whole deskpilot worker (and receiver) on real Redis and Postgres against both sandboxes, for the agent
// tests: the testkit's stack with one tenant connected, and a model that can be an in-process ScriptedModel
// (fine for loop logic; Intercom, Redis and Postgres stay real); jobs get a short test backoff.
import { randomUUID } from 'node:crypto';
import { Job, type QueueEvents } from 'bullmq';
import { SEED_BOT_ADMIN_ID, SEED_TEAMS, type IntercomSandbox } from '@deskpilot/intercom-sandbox';
import type { ModelSandbox } from '@deskpilot/model-sandbox';
import { SANDBOX_MODEL_KEY } from '@deskpilot/testkit';
import type { Config } from '../../../src/config.js';
import type { Tenant, TenantMode, TenantSettings } from '../../../src/db/schema.js';
import type { Deps } from '../../../src/deps.js';
import type { ModelClient, ModelRequest, ModelResponse } from '../../../src/agent/model.js';
import type { RunningRoles } from '../../../src/cli/roles.js';
import { JOB, type ConversationTask } from '../../../src/queue/jobs.js';
import { DEFAULT_TOOLS } from '../../../src/vault/tenant-store.js';
import type { TestDb } from '../../support/db.js';
import { parts, startTestStack } from '../../support/harness.js';

export const CLIENT_SECRET = 'agent_test_client_secret';
export const MODEL_KEY = SANDBOX_MODEL_KEY;
/** Secrets of the harness that must never appear in a prompt, a reply or a log line (plus token and vault key). */
export const TEST_SECRETS = [CLIENT_SECRET, MODEL_KEY];
export const BOT = SEED_BOT_ADMIN_ID;
export const TEAMMATE = '9608801'; // Maya Chen (Billing)
export const CONTACT = '6762f1a51bb69f9f2193bc02';
export const TEAM_ID = Object.fromEntries(SEED_TEAMS.map((t) => [t.name, t.id])) as Record<string, string>;
export const SETTINGS: TenantSettings = {
  teams: SEED_TEAMS.map((t) => ({ id: t.id, name: t.name, handles: `${t.name.toLowerCase()} questions` })),
  admins: [{ id: '9608802', name: 'Tom Okafor' }],
};

export type Script = (req: ModelRequest, turn: number) => ModelResponse | Promise<ModelResponse>;

/**
 * A ModelClient that answers from a script, in process, and records what it was asked. `turn` is the number of
 * assistant turns already in the request, so a resumed run gets the same answer as the first attempt would have.
 */
export class ScriptedModel implements ModelClient {
  readonly requests: ModelRequest[] = [];
  constructor(public script: Script = () => endTurn()) {}
  async create(req: ModelRequest): Promise<ModelResponse> {
    const { signal: _signal, ...rest } = req;
    this.requests.push(structuredClone(rest));
    return this.script(req, req.messages.filter((m) => m.role === 'assistant').length);
  }
}

const usage = { inputTokens: 100, outputTokens: 20, cacheReadTokens: 0, cacheWriteTokens: 0 };
let useSeq = 0;
export const toolUse = (name: string, input: unknown): ModelResponse => ({
  content: [{ type: 'tool_use', id: `toolu_s${(useSeq += 1)}`, name, input }],
  stopReason: 'tool_use',
  usage,
});
export const endTurn = (text = 'Done.'): ModelResponse => ({
  content: [{ type: 'text', text }],
  stopReason: 'end_turn',
  usage,
});
/** Plays the given turns in order, then ends the turn. */
export const playbook =
  (...turns: ModelResponse[]): Script =>
  (_req, turn) =>
    turns[turn] ?? endTurn();

export interface RunOpts {
  task?: ConversationTask;
  attempts?: number;
  backoffMs?: number;
  trigger?: 'webhook' | 'sweep' | 'recovery' | 'replay';
  eventCreatedAtMs?: number;
}

export interface AgentHarness {
  config: Config;
  deps: Deps;
  roles: RunningRoles;
  intercom: IntercomSandbox;
  model: ModelSandbox;
  testDb: TestDb;
  tenant: Tenant;
  /** The Intercom token the tenant is connected with (for secret-leak checks). */
  token: string;
  vaultKey: string;
  url: string;
  logs: string[];
  events: QueueEvents;
  configure(o: { mode?: TenantMode; allowedTools?: readonly string[] }): Promise<void>;
  conversation(body: string, contact?: string): string;
  enqueue(conversationId: string, o?: RunOpts): Promise<string>;
  /** Enqueue and wait for the job's result (throws with the failed reason if it dead-letters). */
  run(conversationId: string, o?: RunOpts): Promise<unknown>;
  finished(jobId: string, timeoutMs?: number): Promise<unknown>;
  /** Writes (non-GET calls) the sandbox answered for this conversation. */
  writes(conversationId: string): Array<{ method: string; path: string; body: unknown; status: number }>;
  /** Parts our bot wrote, from the sandbox's own state. */
  botParts(conversationId: string): Array<{ part_type: string; body: string | null }>;
  state(conversationId: string): Record<string, unknown>;
  close(): Promise<void>;
}

export async function startAgentHarness(
  o: {
    /** An in-process model, or one built around the model sandbox's URL. Default: the sandbox over the SDK. */
    model?: ModelClient | ((sandboxUrl: string) => ModelClient);
    env?: Record<string, string>;
    work?: boolean;
    serve?: boolean;
  } = {},
): Promise<AgentHarness> {
  const model = o.model;
  const s = await startTestStack({
    ...(o.serve === undefined ? {} : { serve: o.serve }),
    ...(o.work === undefined ? {} : { work: o.work }),
    ...(o.env ? { env: o.env } : {}),
    ...(model ? { model: typeof model === 'function' ? ({ sandboxUrl }) => model(sandboxUrl ?? '') : model } : {}),
  });
  const { roles, testDb, queueEvents: events } = parts(s);
  const { config, deps, intercom, vaultKey, logs } = s;
  const registered = await s.addTenant({
    clientSecret: CLIENT_SECRET,
    appName: 'Agent test app',
    settings: SETTINGS,
  });
  let tenant = registered.tenant;
  const token = registered.token;

  const h: AgentHarness = {
    config,
    deps,
    roles,
    intercom,
    model: parts(s).model,
    testDb,
    get tenant() {
      return tenant;
    },
    token,
    vaultKey,
    url: s.url,
    logs,
    events,
    async configure(c) {
      tenant = await deps.tenants.updateTenant(tenant.id, {
        mode: c.mode ?? 'autonomous',
        allowedTools: c.allowedTools ?? DEFAULT_TOOLS,
      });
    },
    conversation(body, contact = CONTACT) {
      return String(intercom.addConversation({ contact, body: `<p>${body}</p>` }).id);
    },
    async enqueue(conversationId, r = {}) {
      const id = `evt_${randomUUID()}`;
      const nowMs = Date.now();
      await deps.conversationQueue.add(
        JOB.conversationEvent,
        {
          tenantId: tenant.id,
          conversationId,
          topic: 'conversation.user.created',
          eventId: id,
          // Intercom timestamps are whole seconds; a teammate part in the same second counts as after the event.
          eventCreatedAtMs: r.eventCreatedAtMs ?? Math.floor(nowMs / 1000) * 1000,
          receivedAtMs: nowMs,
          trigger: r.trigger ?? 'webhook',
          task: r.task ?? 'new_message',
        },
        // A few quick attempts by default, as in production (where backoff is longer): a shared, loaded machine
        // can make Redis answer the limiter too late, which fails closed and is retried.
        { jobId: id, attempts: r.attempts ?? 3, backoff: { type: 'fixed', delay: r.backoffMs ?? 20 } },
      );
      return id;
    },
    async finished(jobId, timeoutMs = 15_000) {
      const job = await Job.fromId(deps.conversationQueue, jobId);
      if (!job) throw new Error(`job ${jobId} not found`);
      return job.waitUntilFinished(events, timeoutMs);
    },
    async run(conversationId, r) {
      return h.finished(await h.enqueue(conversationId, r));
    },
    writes(conversationId) {
      return intercom
        .calls()
        .filter((c) => c.method !== 'GET' && c.path.startsWith(`/conversations/${conversationId}/`))
        .map((c) => ({ method: c.method, path: c.path, body: c.body, status: c.status }));
    },
    botParts(conversationId) {
      const conv = h.state(conversationId) as {
        conversation_parts: {
          conversation_parts: Array<{ part_type: string; body: string | null; author: { id: string } }>;
        };
      };
      return conv.conversation_parts.conversation_parts
        .filter((p) => String(p.author.id) === BOT)
        .map((p) => ({ part_type: p.part_type, body: p.body }));
    },
    state(conversationId) {
      const conv = intercom.conversation(conversationId);
      if (!conv) throw new Error(`no conversation ${conversationId}`);
      return conv as Record<string, unknown>;
    },
    close: s.close,
  };
  return h;
}

export const tagNames = (conv: Record<string, unknown>): string[] =>
  ((conv.tags as { tags: Array<{ name: string }> }).tags ?? []).map((t) => t.name).sort();

/** Tool names the model was offered in a recorded model-sandbox request. */
export function offeredTools(body: unknown): string[] {
  const tools = (body as { tools?: Array<{ name: string }> }).tools ?? [];
  return tools.map((t) => t.name).sort();
}

/**
 * The real Anthropic adapter against the model sandbox, with a hook that runs before each request: lets a test
 * act "while the model thinks" (a teammate replies mid-run) without touching the scripted policy.
 */
export function hookedModel(
  inner: ModelClient,
  before: (req: ModelRequest) => void | Promise<void>,
): ModelClient & { calls: number } {
  const m = {
    calls: 0,
    async create(req: ModelRequest) {
      m.calls += 1;
      await before(req);
      return inner.create(req);
    },
  };
  return m;
}

/** The conversation id the agent's task prompt is about. */
export function conversationOf(req: ModelRequest): string | undefined {
  const first = req.messages[0];
  const text = typeof first?.content === 'string' ? first.content : '';
  return /<conversation id="([^"]+)"/.exec(text)?.[1];
}
