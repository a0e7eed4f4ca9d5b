// npm run bench:console [-- --runs 100000 --steps 10 --samples 40]: the operator console at scale. Seeds a
// throwaway Postgres schema with `--runs` runs and `--runs * --steps` steps (plus two ledger rows and one audit
// row per run) by generate_series, then times the real console (createServer on loopback, signed in, undici
// fetch) rendering the runs list (first page, a page 50,000 rows deep, filtered by tenant and by a rare stop
// reason), a run's detail page and the overview. Target: runs list and run detail < 200 ms each.
// Figures go in BENCHMARKS.md ("Console").
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { loadConfig } from '../src/config.js';
import { createDb, migrateToLatest } from '../src/db/database.js';
import { encodeCursor } from '../src/db/read-models/runs.js';
import { buildReceiver } from '../src/deps.js';
import { createServer } from '../src/http/server.js';
import { createLogger } from '../src/logger.js';
import { describeMachine } from './support/machine.js';
import { deletePrefix } from './support/redis-cleanup.js';
import { formatLatency, summarize, type LatencySummary } from './support/stats.js';

const { values: argv } = parseArgs({
  options: {
    runs: { type: 'string', default: '100000' },
    steps: { type: 'string', default: '10' },
    samples: { type: 'string', default: '40' },
  },
});
const RUNS = Number(argv.runs);
const STEPS = Number(argv.steps);
const SAMPLES = Number(argv.samples);
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const ADMIN_TOKEN = randomBytes(24).toString('hex');
const TENANTS = 20;
const DEPTH = Math.min(50_000, Math.floor(RUNS / 2));

type Db = ReturnType<typeof createDb>;

async function seed(db: Db): Promise<void> {
  await sql`insert into intercom_apps (id, name, client_secret_enc) values ('app_bench', 'bench', 'not-a-secret')`.execute(
    db,
  );
  await sql`insert into tenants (id, name, intercom_app_id, workspace_id, allowed_tools, settings)
    select 'tn_' || g, 'Tenant ' || g, 'app_bench', 'ws' || g, '["reply","add_note","triage"]', '{}'
    from generate_series(1, ${TENANTS}) g`.execute(db);
  // Runs spread over 30 days; 1% stop with max_turns (a rare filter value).
  await sql`insert into agent_runs (id, tenant_id, conversation_id, job_id, trigger, status, stop_reason, turns,
      input_tokens, output_tokens, cached_tokens, cache_write_tokens, cost_usd, model, started_at, finished_at)
    select 'run_' || lpad(g::text, 8, '0'), 'tn_' || (1 + g % ${TENANTS}), 'conv' || (g % 40000), 'evt_' || g,
      case when g % 10 = 0 then 'sweep' else 'webhook' end, 'completed',
      case when g % 100 = 0 then 'max_turns' when g % 7 = 0 then 'handoff' else 'end_turn' end,
      ${Math.floor(STEPS / 2)}, 4000 + g % 3000, 300 + g % 200, 12000, 1500, 0.03 + (g % 50) / 1000.0, 'claude-sonnet-4-6',
      now() - make_interval(secs => (${RUNS} - g) * (2592000.0 / ${RUNS})),
      now() - make_interval(secs => (${RUNS} - g) * (2592000.0 / ${RUNS})) + interval '4 seconds'
    from generate_series(1, ${RUNS}) g`.execute(db);
  const t0 = performance.now();
  await sql`insert into run_steps (run_id, seq, kind, payload, created_at)
    select r.id, s, case when s = 0 then 'prompt' when s % 2 = 1 then 'model' else 'tool_results' end,
      case
        when s = 0 then jsonb_build_object('kind', 'prompt', 'system', repeat('You are a support agent. ', 80),
          'user', '<conversation id="' || r.conversation_id || '">' || repeat('Customer: my order has not arrived yet. ', 40) || '</conversation>')
        when s % 2 = 1 then jsonb_build_object('kind', 'model', 'stopReason', 'tool_use',
          'usage', jsonb_build_object('inputTokens', 800, 'outputTokens', 60, 'cacheReadTokens', 2400, 'cacheWriteTokens', 0),
          'content', jsonb_build_array(jsonb_build_object('type', 'text', 'text', 'Let me check the order status.'),
            jsonb_build_object('type', 'tool_use', 'id', 'toolu_' || r.id || '_' || s, 'name', 'reply',
              'input', jsonb_build_object('body', repeat('Thanks for waiting, your parcel is on its way. ', 6)))))
        else jsonb_build_object('kind', 'tool_results', 'content', jsonb_build_array(jsonb_build_object(
          'type', 'tool_result', 'tool_use_id', 'toolu_' || r.id || '_' || (s - 1), 'content', repeat('{"ok":true} ', 20))))
      end,
      r.started_at + make_interval(secs => s)
    from agent_runs r cross join generate_series(0, ${STEPS - 1}) s`.execute(db);
  console.log(`  steps inserted in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  await sql`insert into action_ledger (id, run_id, tenant_id, conversation_id, tool, tool_use_id, intent, status, outcome, created_at, updated_at)
    select 'act_' || r.id || '_' || k, r.id, r.tenant_id, r.conversation_id, case when k = 0 then 'triage' else 'reply' end,
      'toolu_' || r.id || '_' || k, '{"body":"..."}', 'done', '{"partId":"1"}', r.started_at, r.started_at
    from agent_runs r cross join generate_series(0, 1) k`.execute(db);
  await sql`insert into audit_events (tenant_id, seq, conversation_id, run_id, actor, action, outcome, details, prev_hash, hash, created_at)
    select r.tenant_id, row_number() over (partition by r.tenant_id order by r.started_at), r.conversation_id, r.id, 'agent',
      'tool.reply', 'ok', '{"tool":"reply"}', 'bench', 'bench', r.started_at
    from agent_runs r`.execute(db);
  await sql`analyze`.execute(db);
}

async function signIn(base: string): Promise<string> {
  const page = await fetch(`${base}/console/login`);
  const cookies = page.headers.getSetCookie().map((c) => c.split(';')[0]);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
  const res = await fetch(`${base}/console/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookies.join('; ') },
    body: new URLSearchParams({ token: ADMIN_TOKEN, _csrf: csrf }).toString(),
  });
  if (res.status !== 303) throw new Error(`sign-in failed: ${res.status}`);
  return [...cookies, ...res.headers.getSetCookie().map((c) => c.split(';')[0])].join('; ');
}

async function time(base: string, cookie: string, path: (i: number) => string): Promise<LatencySummary> {
  const samples: number[] = [];
  for (let i = -5; i < SAMPLES; i += 1) {
    const t0 = performance.now();
    const res = await fetch(`${base}${path(i)}`, { headers: { cookie } });
    const body = await res.text();
    const dt = performance.now() - t0;
    if (res.status !== 200) throw new Error(`${path(i)}: ${res.status} ${body.slice(0, 200)}`);
    if (i >= 0) samples.push(dt);
  }
  return summarize(samples);
}

async function main(): Promise<void> {
  const prefix = `bench_console_${randomBytes(4).toString('hex')}`;
  const schema = `bench_${randomBytes(6).toString('hex')}`;
  const schemaUrl = new URL(DATABASE_URL);
  schemaUrl.searchParams.set('options', `-c search_path=${schema}`);
  const config = loadConfig({
    REDIS_URL,
    DATABASE_URL: schemaUrl.toString(),
    DESKPILOT_PREFIX: prefix,
    DESKPILOT_VAULT_KEY: randomBytes(32).toString('base64'),
    ADMIN_TOKEN,
    LOG_LEVEL: 'warn',
  });
  const db = createDb({ url: DATABASE_URL, schema, poolSize: 10 });
  await migrateToLatest(db, schema);
  console.log(
    `${describeMachine()}\nseeding ${RUNS} runs, ${RUNS * STEPS} steps, ${RUNS * 2} ledger rows, ${RUNS} audit rows`,
  );
  const t0 = performance.now();
  await seed(db);
  console.log(`  seeded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const deps = await buildReceiver(config, createLogger(config), { db });
  const app = await createServer(deps);
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  try {
    const cookie = await signIn(base);
    const deep = await sql<{ t: string; id: string }>`select started_at::text as t, id from agent_runs
      order by started_at desc, id desc offset ${DEPTH} limit 1`.execute(db);
    const row = deep.rows[0];
    if (!row) throw new Error(`no run at depth ${DEPTH}`);
    const after = encodeCursor({ startedAt: row.t, id: row.id });
    const runId = (i: number) => `run_${String(1 + (((i + 10) * 7919 + 17) % RUNS)).padStart(8, '0')}`;
    const results: Array<[string, LatencySummary]> = [
      ['runs list, first page (50 rows)', await time(base, cookie, () => '/console/runs')],
      [
        `runs list, ${DEPTH.toLocaleString('en-US')} rows deep (keyset cursor)`,
        await time(base, cookie, () => `/console/runs?after=${after}`),
      ],
      [
        'runs list, one tenant',
        await time(base, cookie, (i) => `/console/runs?tenant=tn_${1 + (Math.abs(i) % TENANTS)}`),
      ],
      ['runs list, stop reason max_turns (1%)', await time(base, cookie, () => '/console/runs?stop=max_turns')],
      [
        `run detail (${STEPS} steps, 2 ledger, 1 audit; a different run each time)`,
        await time(base, cookie, (i) => `/console/runs/${runId(i)}`),
      ],
      ['overview, last day', await time(base, cookie, () => '/console/overview?window=day')],
    ];
    console.log('\n| Page | Latency (sequential requests, server + render + transfer) | Target |\n| --- | --- | --- |');
    for (const [name, s] of results) {
      const target = name.startsWith('overview') ? '-' : s.p95 < 200 ? '< 200 ms: met (p95)' : '< 200 ms: MISSED (p95)';
      console.log(`| ${name} | ${formatLatency(s)} | ${target} |`);
    }
  } finally {
    await app.close();
    await deps.close();
    await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(db);
    await db.destroy();
    await deletePrefix(REDIS_URL, prefix);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
