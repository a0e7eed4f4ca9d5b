// `deskpilot runs list|show`: the same read models as the console's Runs pages (ARCHITECTURE.md: "Rules the code keeps"), as text or --json.
// Also the readable step printer `dlq show` uses. Prints conversation content, never a credential.
import { decodeCursor, getRunDetail, listRuns, type RunRow, type RunStepView } from '../db/read-models/runs.js';
import { dailySpend } from '../db/read-models/spend.js';
import { UsageError } from '../errors.js';
import type { CliContext } from './context.js';
import { parseDate } from './parse.js';

export interface RunsListArgs {
  tenant?: string;
  conversation?: string;
  trigger?: string;
  stop?: string;
  since?: string;
  until?: string;
  limit?: string;
  after?: string;
  json?: boolean;
}

// Customer and model text may carry terminal control sequences (title changes, OSC 52 clipboard writes): drop
// every control character but newline and tab before it reaches the operator's terminal.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const printable = (text: string) => text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '');
const indent = (text: string, pad = '      ') =>
  printable(text)
    .split('\n')
    .map((l) => `${pad}${l}`)
    .join('\n');

/** One readable block per stored step: the prompt, each model turn's text and tool calls, each tool result. */
export function formatSteps(steps: ReadonlyArray<Pick<RunStepView, 'seq' | 'kind' | 'payload'>>): string[] {
  const out: string[] = [];
  for (const s of steps) {
    const p = (s.payload ?? {}) as Record<string, unknown>;
    const blocks = Array.isArray(p.content) ? (p.content as Array<Record<string, unknown>>) : [];
    if (s.kind === 'prompt') {
      out.push(`  step ${s.seq} prompt (system prompt ${String(p.system ?? '').length} chars)`);
      out.push('    the conversation as the agent saw it:', indent(String(p.user ?? '')));
    } else if (s.kind === 'model') {
      const u = (p.usage ?? {}) as Record<string, number>;
      out.push(
        `  step ${s.seq} model turn (stop ${String(p.stopReason ?? '-')}; tokens in ${u.inputTokens ?? 0} out ${u.outputTokens ?? 0} cache-read ${u.cacheReadTokens ?? 0} cache-write ${u.cacheWriteTokens ?? 0})`,
      );
      for (const b of blocks) {
        if (b.type === 'text') out.push('    text:', indent(String(b.text ?? '')));
        else out.push(`    tool call ${String(b.name)} (${String(b.id)}):`, indent(JSON.stringify(b.input, null, 2)));
      }
    } else {
      out.push(`  step ${s.seq} tool results`);
      for (const b of blocks)
        out.push(
          `    ${b.is_error ? 'error' : 'result'} for ${String(b.tool_use_id)}:`,
          indent(String(b.content ?? '')),
        );
    }
  }
  return out;
}

const usd = (n: number) => `$${n.toFixed(4)}`;
const row = (r: RunRow) =>
  `${r.id}  ${r.startedAt.toISOString()}  ${(r.tenantName ?? r.tenantId).padEnd(16)} conv ${r.conversationId.padEnd(16)} ${r.trigger.padEnd(8)} ${r.status}/${r.stopReason ?? '-'}  turns ${r.turns} actions ${r.actions} tokens ${r.inputTokens}/${r.outputTokens}/${r.cacheReadTokens}/${r.cacheWriteTokens} ${usd(r.costUsd)} ${r.durationMs ?? '-'}ms`;

export async function runsList(a: RunsListArgs, ctx: CliContext): Promise<void> {
  const limit = a.limit === undefined ? 50 : Number(a.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 200) throw new UsageError('--limit must be 1..200');
  const after = a.after ? decodeCursor(a.after) : undefined;
  if (a.after && !after) throw new UsageError('--after is not a cursor printed by `runs list`');
  const deps = await ctx.deps();
  const page = await listRuns(
    deps.db,
    {
      tenantId: a.tenant,
      conversationId: a.conversation,
      trigger: a.trigger,
      stopReason: a.stop,
      since: parseDate('since', a.since),
      until: parseDate('until', a.until),
    },
    { limit, after },
  );
  if (a.json) return ctx.print(JSON.stringify(page));
  ctx.print(
    'run  started  tenant  conversation  trigger  status/stop  turns actions tokens in/out/cache-read/cache-write cost duration',
  );
  for (const r of page.rows) ctx.print(row(r));
  ctx.print(
    page.next
      ? `more: --after ${page.next}`
      : `${page.rows.length} run${page.rows.length === 1 ? '' : 's'}, end of list`,
  );
}

export async function runsShow(a: { run: string; json?: boolean }, ctx: CliContext): Promise<void> {
  const deps = await ctx.deps();
  const d = await getRunDetail(deps.db, a.run);
  if (!d) throw new UsageError(`no run ${a.run}`);
  if (a.json) return ctx.print(JSON.stringify(d));
  ctx.print(row(d.run));
  ctx.print(`model ${d.run.model ?? '-'}  job ${d.run.jobId}  intercom conversation ${d.run.conversationId}`);
  ctx.print('trace:');
  for (const l of formatSteps(d.steps)) ctx.print(l);
  ctx.print('ledger:');
  for (const l of d.ledger) ctx.print(`  ${l.tool} ${l.toolUseId} ${l.status} ${JSON.stringify(l.outcome)}`);
  ctx.print(`policy refusals: ${d.refusals.length}`);
  for (const r of d.refusals) ctx.print(`  ${r.action} ${JSON.stringify(r.details)}`);
  ctx.print('audit:');
  for (const r of d.audit) ctx.print(`  ${r.seq} ${r.createdAt.toISOString()} ${r.actor} ${r.action} ${r.outcome}`);
}

/** Per-tenant spend by UTC day (default: the last 7 days). */
export async function runsSpend(
  a: { tenant?: string; since?: string; until?: string; json?: boolean },
  ctx: CliContext,
) {
  const since = parseDate('since', a.since) ?? new Date(Date.now() - 7 * 86_400_000);
  const deps = await ctx.deps();
  const rows = await dailySpend(deps.db, { since, until: parseDate('until', a.until), tenantId: a.tenant });
  if (a.json) return ctx.print(JSON.stringify(rows));
  ctx.print('day         tenant            runs  tokens in/out/cache-read/cache-write  cost');
  for (const r of rows)
    ctx.print(
      `${r.day}  ${r.tenantId.padEnd(16)} ${String(r.runs).padStart(5)}  ${r.inputTokens}/${r.outputTokens}/${r.cacheReadTokens}/${r.cacheWriteTokens}  ${usd(r.costUsd)}`,
    );
}
