#!/usr/bin/env node
// The deskpilot command line: process roles, operator commands, the sandboxes and the demo.
// The one entry point that reads process.env (STYLE C1) and turns errors into exit codes.
import { Command, Option } from 'commander';
import { loadConfig, type Config } from '../config.js';
import { migrateToLatest } from '../db/database.js';
import { buildDeps, type Deps } from '../deps.js';
import { AppError } from '../errors.js';
import { createLogger } from '../logger.js';
import { createIntercomSandbox } from '../sandbox/intercom-sandbox.js';
import { createModelSandbox } from '../sandbox/model-sandbox.js';
import type { CliContext } from './context.js';
import { auditExport, auditPrune, auditQuery, auditVerify } from './audit.js';
import { runDemo } from './demo.js';
import { dlqList, dlqPurge, dlqReplay, dlqShow, type DlqFilterArgs } from './dlq.js';
import { startRoles, stopOnSignals } from './roles.js';
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

function context(): { ctx: CliContext; close(): Promise<void> } {
  const config: Config = loadConfig(process.env);
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
function command<A extends unknown[]>(fn: (ctx: CliContext, ...args: A) => Promise<unknown>) {
  return async (...args: A) => {
    const { ctx, close } = context();
    try {
      await fn(ctx, ...args);
    } finally {
      await close();
    }
  };
}

function role(serve: boolean, work: boolean) {
  return async () => {
    const { ctx } = context();
    const deps = await ctx.deps();
    const running = await startRoles(deps, { serve, work, migrate: true });
    stopOnSignals(running.stop, (err) => ctx.logger.error({ err }, 'shutdown failed'));
  };
}

const program = new Command('deskpilot')
  .description('Self-hosted autonomous support agent for Intercom')
  .showHelpAfterError();

program
  .command('serve')
  .description('receiver, OAuth callback, admin API, health and metrics')
  .action(role(true, false));
program.command('work').description('conversation workers and schedulers').action(role(false, true));
program.command('all').description('serve and work in one process').action(role(true, true));
program
  .command('migrate')
  .description('apply database migrations')
  .action(
    command(async (ctx) => {
      const res = await migrateToLatest((await ctx.deps()).db);
      const applied = res.results?.filter((r) => r.status === 'Success').map((r) => r.migrationName) ?? [];
      ctx.print(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
    }),
  );

program
  .command('sandbox')
  .description('run the Intercom and model sandboxes standalone')
  .option('--intercom-port <port>', 'Intercom sandbox port', '4010')
  .option('--model-port <port>', 'model sandbox port', '4020')
  .option('--host <host>', 'bind address', '127.0.0.1')
  .action(async (o: { intercomPort: string; modelPort: string; host: string }) => {
    const intercom = await createIntercomSandbox({ port: Number(o.intercomPort), host: o.host });
    const model = await createModelSandbox({ port: Number(o.modelPort), host: o.host });
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
  .action(async () => runDemo(process.env, (line) => process.stdout.write(`${line}\n`)));

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
  .addOption(new Option('--mode <mode>', 'autonomy').choices(['shadow', 'assist', 'autonomous']))
  .action(command((ctx, o: Parameters<typeof tenantAdd>[0]) => tenantAdd(o, ctx)));
tenant
  .command('configure')
  .description('set autonomy mode, allowed tools and settings (tone, routing table, policies, sweeps, limits)')
  .requiredOption('--tenant <id>')
  .addOption(new Option('--mode <mode>', 'autonomy').choices(['shadow', 'assist', 'autonomous']))
  .option('--tools <names>', 'comma-separated allowed tools')
  .option('--settings <file>', 'JSON file with the tenant settings (replaces them)')
  .action(command((ctx, o: TenantConfigureArgs) => tenantConfigure(o, ctx)));
tenant
  .command('connect')
  .description('store a new access token for a tenant (verified with GET /me)')
  .requiredOption('--tenant <id>')
  .requiredOption('--token <token>')
  .option('--region <region>')
  .action(command((ctx, o: { tenant: string; token: string; region?: string }) => tenantConnect(o, ctx)));
tenant
  .command('list')
  .description('tenants and connection status')
  .action(command((ctx) => tenantList(ctx)));
tenant
  .command('show')
  .requiredOption('--tenant <id>')
  .action(command((ctx, o: { tenant: string }) => tenantShow(o, ctx)));
tenant
  .command('disconnect')
  .requiredOption('--tenant <id>')
  .action(command((ctx, o: { tenant: string }) => tenantDisconnect(o, ctx)));

const collect = (v: string, prev: string[] = []) => [...prev, v];
const withFilters = (c: Command) =>
  c
    .option('--tenant <id>', 'only this tenant')
    .option('--reason <code>', 'only this reason (credential_revoked, forbidden, max_turns, ...)')
    .option('--queue <name>', 'only this queue')
    .option('--since <iso>', 'failed at or after')
    .option('--until <iso>', 'failed before')
    .option('--job <id>', 'only this job (repeatable)', collect);
const dlq = program.command('dlq').description('dead letters: jobs that will not run again on their own');
withFilters(dlq.command('list')).action(command((ctx, o: DlqFilterArgs) => dlqList(o, ctx)));
dlq
  .command('show')
  .requiredOption('--queue <name>', 'queue', 'conversation-events')
  .requiredOption('--job <id>')
  .action(command((ctx, o: { queue: string; job: string }) => dlqShow(o, ctx)));
withFilters(dlq.command('replay').description('move back to waiting (same job id; the run resumes)'))
  .option('--all', 'every dead letter')
  .option('--dry-run', 'show what would be replayed')
  .action(command((ctx, o: DlqFilterArgs) => dlqReplay(o, ctx)));
withFilters(dlq.command('purge').description('delete for good'))
  .option('--all', 'every dead letter')
  .option('--dry-run', 'show what would be purged')
  .action(command((ctx, o: DlqFilterArgs) => dlqPurge(o, ctx)));

const vault = program.command('vault').description('the credential vault (envelope encryption)');
vault
  .command('rotate')
  .description('re-wrap every sealed secret under DESKPILOT_VAULT_KEY (old keys from DESKPILOT_VAULT_PREVIOUS_KEYS)')
  .action(
    command(async (ctx) => {
      if (!(await vaultRotate(ctx))) process.exitCode = 2;
    }),
  );
vault
  .command('status')
  .description('which key ids seal the stored secrets (nothing is written)')
  .action(
    command(async (ctx) => {
      if (!(await vaultStatus(ctx))) process.exitCode = 2;
    }),
  );

const audit = program.command('audit').description('the audit trail');
audit
  .command('query')
  .requiredOption('--tenant <id>')
  .option('--conversation <id>')
  .option('--since <iso>')
  .option('--until <iso>')
  .option('--limit <n>')
  .action(command((ctx, o: Parameters<typeof auditQuery>[0]) => auditQuery(o, ctx)));
audit
  .command('export')
  .description('JSON lines, oldest first')
  .requiredOption('--tenant <id>')
  .option('--out <file>', 'write to a file instead of stdout')
  .action(command((ctx, o: { tenant: string; out?: string }) => auditExport(o, ctx)));
audit
  .command('verify')
  .description('check the hash chain (exit 2 when tampered)')
  .option('--tenant <id>', 'one tenant (default: all)')
  .action(
    command(async (ctx, o: { tenant?: string }) => {
      if (!(await auditVerify(o, ctx))) process.exitCode = 2;
    }),
  );
audit
  .command('prune')
  .description('delete events past AUDIT_RETENTION_DAYS now')
  .action(command((ctx) => auditPrune(ctx)));

program.parseAsync(process.argv).catch((err: unknown) => {
  // Typed errors carry safe, actionable messages; anything else is a bug worth a stack.
  process.stderr.write(
    err instanceof AppError
      ? `deskpilot: ${err.message}\n`
      : `deskpilot: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});
