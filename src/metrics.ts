// Prometheus metrics, one registry per process (no prom-client global registry: tests build several).
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  registry: Registry;
  webhooks: Counter<'outcome'>;
  jobDuration: Histogram<'queue' | 'outcome'>;
  queueDepth: Gauge<'queue' | 'state'>;
  toolCalls: Counter<'tool' | 'outcome'>;
  intercomCalls: Counter<'operation' | 'status'>;
  limiterWaits: Counter<'outcome'>;
  modelTokens: Counter<'kind'>;
  revocations: Counter;
  deadLetters: Counter<'reason'>;
  policyRefusals: Counter<'rule'>;
  decryptFailures: Counter<'secret'>;
  undecryptableSecrets: Gauge<'kind'>;
}

export function createMetrics(opts: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (opts.defaultMetrics) collectDefaultMetrics({ register: registry, prefix: 'deskpilot_' });
  const registers = [registry];
  return {
    registry,
    webhooks: new Counter({
      name: 'deskpilot_webhooks_total',
      help: 'Intercom webhook deliveries by outcome',
      labelNames: ['outcome'],
      registers,
    }),
    jobDuration: new Histogram({
      name: 'deskpilot_job_duration_seconds',
      help: 'Job processing time',
      labelNames: ['queue', 'outcome'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
      registers,
    }),
    queueDepth: new Gauge({
      name: 'deskpilot_queue_jobs',
      help: 'Jobs per queue and state',
      labelNames: ['queue', 'state'],
      registers,
    }),
    toolCalls: new Counter({
      name: 'deskpilot_tool_calls_total',
      help: 'Agent tool calls by tool and outcome',
      labelNames: ['tool', 'outcome'],
      registers,
    }),
    intercomCalls: new Counter({
      name: 'deskpilot_intercom_calls_total',
      help: 'Intercom REST calls by operation and status',
      labelNames: ['operation', 'status'],
      registers,
    }),
    limiterWaits: new Counter({
      name: 'deskpilot_limiter_waits_total',
      help: 'Limiter refusals (each a short wait inside the run or a delayed job), by call priority',
      labelNames: ['outcome'],
      registers,
    }),
    modelTokens: new Counter({
      name: 'deskpilot_model_tokens_total',
      help: 'Model tokens by kind (input, output, cache_read, cache_write)',
      labelNames: ['kind'],
      registers,
    }),
    revocations: new Counter({
      name: 'deskpilot_credential_revocations_total',
      help: 'Intercom credentials marked revoked',
      registers,
    }),
    deadLetters: new Counter({
      name: 'deskpilot_dead_letters_total',
      help: 'Jobs dead-lettered by reason',
      labelNames: ['reason'],
      registers,
    }),
    policyRefusals: new Counter({
      name: 'deskpilot_policy_refusals_total',
      help: 'Agent actions refused by the tenant policy, by rule id',
      labelNames: ['rule'],
      registers,
    }),
    decryptFailures: new Counter({
      name: 'deskpilot_secret_decrypt_failures_total',
      help: "Stored secrets this process's vault keys failed to open, by secret (app_client_secret)",
      labelNames: ['secret'],
      registers,
    }),
    undecryptableSecrets: new Gauge({
      name: 'deskpilot_undecryptable_secrets',
      help: "Stored secrets this process's vault keys cannot open (apps, live connections), read at scrape time",
      labelNames: ['kind'],
      registers,
    }),
  };
}
