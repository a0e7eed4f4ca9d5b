// Every deskpilot command, option and description, built from an injected environment so tests can walk it.
// Settings made on the root before subcommands are added are inherited: one-line errors, exit 2.
import { existsSync, readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { loadConfig, type Config } from '../config.js';
import { migrateToLatest } from '../db/database.js';
import { buildDeps, buildReceiver, buildWorker, type Deps } from '../deps.js';
import { createLogger } from '../logger.js';
import type { CliContext } from './context.js';
import { auditExport, auditHead, auditPrune, auditQuery, auditVerify } from './audit.js';
import { runDemo } from './demo.js';
import { loadDevPackage } from './dev-packages.js';
import { dlqList, dlqPurge, dlqReplay, dlqShow, type DlqFilterArgs } from './dlq.js';
import { registerRunsCommands } from './runs-commands.js';
import { parsePort } from './parse.js';
import { stopOnSignals } from './lifecycle.js';
import { startRoles, startServe, startWork } from './roles.js';
import {
  tenantAdd,
  tenantConnect,
  tenantDisconnect,
  tenantList,
  tenantShow,
  tenantConfigure,
  type TenantConfigureArgs,
} from './tenant.js';
import { vaultRotate, vaultStatus } from './vault.js';
import { registerMcpCommands } from './mcp-commands.js';
import { registerScoringCommands } from './scoring-commands.js';

type Env = Record<string, string | undefined>;

function context(env: Env): { ctx: CliContext; close(): Promise<void> } {
  const config: Config = loadConfig(env);
  const logger = createLogger(config);
  let deps: Promise<Deps> | undefined;
  const ctx: CliContext = {
    config,
    logger,
    deps: () => (deps ??= buildDeps(config, logger)),
    print: (line) => process.stdout.write(`${line}\n`),
  };
  return { ctx, close: async () => (deps ? (await deps).close() : undefined) };
}

/** Runs an operator command with deps built on demand and always closed. */
function command<A extends unknown[]>(env: Env, fn: (ctx: CliContext, ...args: A) => Promise<unknown>) {
  return async (...args: A) => {
    const { ctx, close } = context(env);
    try {
      await fn(ctx, ...args);
    } finally {
      await close();
    }
  };
}

function role(env: Env, serve: boolean, work: boolean) {
  return async () => {
    const { ctx } = context(env);
    // One composition root per role: `serve` and `work` build only what they use.
    const starting = (async () =>
      serve && work
        ? startRoles(await ctx.deps(), { serve, work, migrate: true })
        : serve
          ? startServe(await buildReceiver(ctx.config, ctx.logger), { migrate: true })
          : startWork(await buildWorker(ctx.config, ctx.logger), { migrate: true }))();
    // Handlers before start-up ends: a SIGTERM right after "receiver listening" (or during start-up) must stop
    // cleanly, not take the default action and kill the process mid-start.
    stopOnSignals(
      async () => (await starting).stop(),
      (err) => ctx.logger.error({ err }, 'shutdown failed'),
    );
    await starting;
  };
}

/** This build's version, from the package.json beside src/ (tsx) or beside dist/ (the build and the image). */
function packageVersion(): string {
  for (const rel of ['../../package.json', '../../../package.json']) {
    const url = new URL(rel, import.meta.url);
    if (!existsSync(url)) continue;
    const pkg = JSON.parse(readFileSync(url, 'utf8')) as { name?: unknown; version?: unknown };
    if (pkg.name === 'deskpilot' && typeof pkg.version === 'string') return pkg.version;
  }
  return 'unknown';
}

export function buildProgram(env: Env): Command {
  // Settings set before the subcommands are added are inherited by them: one-line errors and exit 2 everywhere.
  const program = new Command('deskpilot')
    .description('Self-hosted autonomous support agent for Intercom')
    .version(packageVersion(), '-V, --version', 'print the version and exit')
    .helpOption('-h, --help', 'show help for a command')
    .exitOverride()
    .configureOutput({
      outputError: (text, write) =>
        write(
          `deskpilot: ${text
            .replace(/^error: /, '')
            .trim()
            .replace(/\s*\n\s*/g, ' ')} (see --help)\n`,
        ),
    });

  program
    .command('serve')
    .description('receiver, OAuth callback, admin API, health and metrics')
    .action(role(env, true, false));
  program
    .command('work')
    .description('conversation workers and schedulers')
    .action(role(env, false, true));
  program
    .command('all')
    .description('serve and work in one process')
    .action(role(env, true, true));
  program
    .command('migrate')
    .description('apply database migrations')
    .action(
      command(env, async (ctx) => {
        const res = await migrateToLatest((await ctx.deps()).db);
        const applied = res.results?.filter((r) => r.status === 'Success').map((r) => r.migrationName) ?? [];
        ctx.print(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
      }),
    );

  const port = (flag: string) => (v: string) => parsePort(flag, v);
  program
    .command('sandbox')
    .description('run the Intercom and model sandboxes standalone')
    .option('--intercom-port <port>', 'Intercom sandbox port', port('intercom-port'), 4010)
    .option('--model-port <port>', 'model sandbox port', port('model-port'), 4020)
    .option('--host <host>', 'bind address', '127.0.0.1')
    .action(async (o: { intercomPort: number; modelPort: number; host: string }) => {
      const { createIntercomSandbox } = await loadDevPackage('sandbox', () => import('@deskpilot/intercom-sandbox'));
      const { createModelSandbox } = await loadDevPackage('sandbox', () => import('@deskpilot/model-sandbox'));
      const intercom = await createIntercomSandbox({ port: o.intercomPort, host: o.host });
      const model = await createModelSandbox({ port: o.modelPort, host: o.host });
      process.stdout.write(
        `Intercom sandbox: ${intercom.url}  (INTERCOM_BASE_URL)\nModel sandbox:    ${model.url}  (ANTHROPIC_BASE_URL)\n`,
      );
      process.stdout.write(
        `Seeded workspace a1b2c3d4; a token for its bot admin: ${intercom.issueToken('a1b2c3d4', '9608812')}\n`,
      );
      stopOnSignals(
        async () => {
          await intercom.close();
          await model.close();
        },
        () => undefined,
      );
    });

  program
    .command('demo')
    .description('the whole product against the sandboxes, printing what the agent did')
    .action(async () => runDemo(env, (line) => process.stdout.write(`${line}\n`)));

  const TENANT = 'tenant id (tn_..., see `tenant list`)';
  const modeOption = () =>
    new Option('--mode <mode>', 'autonomy: shadow (record only), assist (notes only) or autonomous').choices([
      'shadow',
      'assist',
      'autonomous',
    ]);
  const tenant = program.command('tenant').description('manage customer workspaces');
  tenant
    .command('add')
    .description('register a workspace (and optionally connect it with a private-app token)')
    .requiredOption('--name <name>', 'display name')
    .requiredOption('--workspace <appId>', "Intercom workspace id (the webhook's app_id)")
    .option('--client-secret <secret>', 'client secret of a new Intercom app (signs its webhooks)')
    .option('--app <id>', 'an Intercom app already registered')
    .option('--app-name <name>', 'name of the new app')
    .option('--token <token>', 'private-app access token (verified with GET /me before it is stored)')
    .option('--region <region>', 'US, EU or AU (default from GET /me)')
    .addOption(modeOption())
    .action(command(env, (ctx, o: Parameters<typeof tenantAdd>[0]) => tenantAdd(o, ctx)));
  tenant
    .command('configure')
    .description('set autonomy mode, allowed tools and settings (tone, routing table, policies, sweeps, limits)')
    .requiredOption('--tenant <id>', TENANT)
    .addOption(modeOption())
    .option('--tools <names>', 'comma-separated allowed tools (triage,reply,add_note,...)')
    .option('--settings <file>', 'JSON file with the tenant settings (replaces them)')
    .action(command(env, (ctx, o: TenantConfigureArgs) => tenantConfigure(o, ctx)));
  tenant
    .command('connect')
    .description('store a new access token for a tenant (verified with GET /me)')
    .requiredOption('--tenant <id>', TENANT)
    .requiredOption('--token <token>', 'private-app access token')
    .option('--region <region>', 'US, EU or AU (default from GET /me)')
    .action(command(env, (ctx, o: { tenant: string; token: string; region?: string }) => tenantConnect(o, ctx)));
  tenant
    .command('list')
    .description('tenants and connection status')
    .action(command(env, (ctx) => tenantList(ctx)));
  tenant
    .command('show')
    .description('one tenant: workspace, mode, tools, connection and last event')
    .requiredOption('--tenant <id>', TENANT)
    .action(command(env, (ctx, o: { tenant: string }) => tenantShow(o, ctx)));
  tenant
    .command('disconnect')
    .description('stop acting for a tenant: its connections are closed and its webhooks dropped')
    .requiredOption('--tenant <id>', TENANT)
    .action(command(env, (ctx, o: { tenant: string }) => tenantDisconnect(o, ctx)));

  registerScoringCommands(program, (fn) => command(env, fn), TENANT);

  const collect = (v: string, prev: string[] = []) => [...prev, v];
  const withFilters = (c: Command) =>
    c
      .option('--tenant <id>', 'only this tenant')
      .option('--reason <code>', 'only this reason (credential_revoked, forbidden, max_turns, ...)')
      .option('--queue <name>', 'only this queue')
      .option('--since <iso>', 'failed at or after (ISO 8601)')
      .option('--until <iso>', 'failed before (ISO 8601)')
      .option('--job <id>', 'only this job (repeatable)', collect);
  registerRunsCommands(program, (fn) => command(env, fn));
  const dlq = program.command('dlq').description('dead letters: jobs that will not run again on their own');
  withFilters(dlq.command('list').description('dead letters matching the filters')).action(
    command(env, (ctx, o: DlqFilterArgs) => dlqList(o, ctx)),
  );
  dlq
    .command('show')
    .description('one dead letter: payload, error, the run and its ledger')
    .requiredOption('--queue <name>', 'queue', 'conversation-events')
    .requiredOption('--job <id>', 'job id (from `dlq list`)')
    .action(command(env, (ctx, o: { queue: string; job: string }) => dlqShow(o, ctx)));
  withFilters(dlq.command('replay').description('move back to waiting (same job id; the run resumes)'))
    .option('--all', 'every dead letter')
    .option('--dry-run', 'show what would be replayed')
    .action(command(env, (ctx, o: DlqFilterArgs) => dlqReplay(o, ctx)));
  withFilters(dlq.command('purge').description('delete for good'))
    .option('--all', 'every dead letter')
    .option('--dry-run', 'show what would be purged')
    .action(command(env, (ctx, o: DlqFilterArgs) => dlqPurge(o, ctx)));

  const vault = program.command('vault').description('the credential vault (envelope encryption)');
  vault
    .command('rotate')
    .description('re-wrap every sealed secret under DESKPILOT_VAULT_KEY (old keys from DESKPILOT_VAULT_PREVIOUS_KEYS)')
    .action(
      command(env, async (ctx) => {
        if (!(await vaultRotate(ctx))) process.exitCode = 2;
      }),
    );
  vault
    .command('status')
    .description('which key ids seal the stored secrets (nothing is written)')
    .action(
      command(env, async (ctx) => {
        if (!(await vaultStatus(ctx))) process.exitCode = 2;
      }),
    );

  registerMcpCommands(program, (fn) => command(env, fn), TENANT);

  const audit = program.command('audit').description('the audit trail');
  audit
    .command('query')
    .description("a tenant's audit events, oldest first")
    .requiredOption('--tenant <id>', TENANT)
    .option('--conversation <id>', 'only this Intercom conversation')
    .option('--since <iso>', 'at or after (ISO 8601)')
    .option('--until <iso>', 'before (ISO 8601)')
    .option('--limit <n>', 'at most this many events (1-10000, default 1000)')
    .action(command(env, (ctx, o: Parameters<typeof auditQuery>[0]) => auditQuery(o, ctx)));
  audit
    .command('export')
    .description('JSON lines, oldest first')
    .requiredOption('--tenant <id>', TENANT)
    .option('--out <file>', 'write to a file instead of stdout')
    .action(command(env, (ctx, o: { tenant: string; out?: string }) => auditExport(o, ctx)));
  audit
    .command('head')
    .description("print the chain's head (<seq>:<hash>) to store outside the database for `verify --head`")
    .requiredOption('--tenant <id>', TENANT)
    .action(command(env, (ctx, o: { tenant: string }) => auditHead(o, ctx)));
  audit
    .command('verify')
    .description('check the hash chain and retention checkpoint (exit 2 when tampered)')
    .option('--tenant <id>', 'one tenant (default: all)')
    .option('--head <seq:hash>', 'a head printed earlier by `audit head`: detects rows removed from the end')
    .action(
      command(env, async (ctx, o: { tenant?: string; head?: string }) => {
        if (!(await auditVerify(o, ctx))) process.exitCode = 2;
      }),
    );
  audit
    .command('prune')
    .description('delete events past AUDIT_RETENTION_DAYS now (keeps a checkpoint)')
    .action(
      command(env, async (ctx) => {
        if (!(await auditPrune(ctx))) process.exitCode = 2;
      }),
    );
  return program;
}
