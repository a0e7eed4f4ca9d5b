// Dead letters by reason, one letter's detail (with its run's steps), and replay/purge that always show a
// dry-run preview first and act only on a confirmed, CSRF-checked POST.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { DeadLetter, DeadLetterFilter } from '../queue/dead-letters.js';
import { deadLettersByReason } from './dead-letter-groups.js';
import { getRunDetail, runIdForJob } from '../db/read-models/runs.js';
import { csrfField, html, json, type Safe, when } from './html.js';
import type { PageKit } from './plugin.js';
import { renderSteps } from './pages-runs.js';

const jobIds = z
  .union([z.string().min(1).max(200), z.array(z.string().min(1).max(200)).max(10_000)])
  .optional()
  .transform((v) => (v === undefined ? undefined : Array.isArray(v) ? v : [v]));

const BulkForm = z
  .object({
    reason: z
      .string()
      .regex(/^[a-z_]{1,64}$/)
      .optional(),
    jobIds,
    stage: z.enum(['preview', 'confirm']),
    _csrf: z.string(),
  })
  .refine((b) => Boolean(b.reason || b.jobIds?.length), { message: 'choose a reason or jobs' });

const letterRow = (l: DeadLetter) =>
  html`<tr>
    <td><a href="/console/dead-letters/${l.queue}/${l.jobId}">${l.queue}/${l.jobId}</a></td>
    <td>${l.reason}</td>
    <td>${l.tenantId ?? '-'}</td>
    <td>${l.conversationId ?? '-'}</td>
    <td class="n">${l.attemptsMade}</td>
    <td>${when(l.failedAt)}</td>
    <td>${l.error.slice(0, 200)}</td>
    <td>
      ${actionForm('replay', { jobIds: [l.jobId] }, 'Replay…')} ${actionForm('purge', { jobIds: [l.jobId] }, 'Purge…')}
    </td>
  </tr>`;

function actionForm(
  action: 'replay' | 'purge',
  scope: { reason?: string | undefined; jobIds?: string[] | undefined },
  label: string,
  stage: 'preview' | 'confirm' = 'preview',
): Safe {
  return html`<form class="inline" method="post" action="/console/dead-letters/${action}">
    ${csrfField()}<input
      type="hidden"
      name="stage"
      value="${stage}"
    />${scope.reason ? html`<input type="hidden" name="reason" value="${scope.reason}" />` : ''}${(scope.jobIds ?? []).map((j) => html`<input type="hidden" name="jobIds" value="${j}" />`)}<button
      class="${action}-${stage}"
    >
      ${label}
    </button>
  </form>`;
}

/** The confirmation names the previewed jobs, so letters that fail after the preview are not swept in. */
const confirmForm = (action: 'replay' | 'purge', reason: string | undefined, letters: DeadLetter[]) =>
  letters.length
    ? actionForm(
        action,
        { reason, jobIds: letters.map((l) => l.jobId) },
        `Confirm ${action} of ${letters.length}`,
        'confirm',
      )
    : html`<span class="muted">nothing to ${action}</span>`;

const table = (letters: DeadLetter[]) =>
  html`<table>
    <tr>
      <th>Job</th>
      <th>Reason</th>
      <th>Tenant</th>
      <th>Conversation</th>
      <th>Attempts</th>
      <th>Failed</th>
      <th>Error</th>
      <th></th>
    </tr>
    ${letters.map(letterRow)}
  </table>`;

export function registerDeadLetterPages(app: FastifyInstance, kit: PageKit): void {
  app.get('/console/dead-letters', async (req, reply) => {
    const groups = await deadLettersByReason(kit.deps.deadLetters);
    const body = groups.length
      ? html`${groups.map(
          (g) =>
            html`<h2>${g.reason} (${g.count})</h2>
              <p>
                ${actionForm('replay', { reason: g.reason }, `Replay all ${g.reason}…`)}
                ${actionForm('purge', { reason: g.reason }, `Purge all ${g.reason}…`)}
              </p>
              ${table(g.letters)}`,
        )}`
      : html`<p>No dead letters.</p>`;
    return kit.page(req, reply, 'Dead letters', body);
  });

  app.get<{ Params: { queue: string; jobId: string } }>('/console/dead-letters/:queue/:jobId', async (req, reply) => {
    const l = await kit.deps.deadLetters.show(req.params.queue, req.params.jobId);
    if (!l) return kit.page(req, reply, 'Dead letter not found', html`<p>No dead letter ${req.params.jobId}.</p>`, 404);
    const runId = await runIdForJob(kit.deps.db, l.jobId);
    const run = runId ? await getRunDetail(kit.deps.db, runId) : undefined;
    const body = html`${table([l])}
      <h2>Error</h2>
      <pre>${l.error}</pre>
      <h2>Payload</h2>
      <pre>${json(l.data)}</pre>
      <h2>Run</h2>
      ${
        run
          ? html`<p>
                <a href="/console/runs/${run.run.id}">${run.run.id}</a> ${run.run.status} /
                ${run.run.stopReason ?? '-'}, ${run.run.turns} turns
              </p>
              ${renderSteps(run.steps)}`
          : html`<p class="muted">none (failed before the agent started)</p>`
      }`;
    return kit.page(req, reply, `Dead letter ${l.jobId}`, body);
  });

  app.post<{ Params: { action: string } }>('/console/dead-letters/:action', async (req, reply) => {
    const action = req.params.action === 'replay' ? 'replay' : req.params.action === 'purge' ? 'purge' : undefined;
    const b = BulkForm.safeParse(req.body);
    if (!action || !b.success)
      return kit.page(req, reply, 'Dead letters', html`<p class="err">Choose a reason or jobs.</p>`, 400);
    const filter: DeadLetterFilter = { reason: b.data.reason, jobIds: b.data.jobIds };
    const dryRun = b.data.stage === 'preview';
    const dlq = kit.deps.deadLetters;
    const letters =
      action === 'replay' ? (await dlq.replay(filter, { dryRun })).replayed : await dlq.purge(filter, { dryRun });
    if (!dryRun) {
      kit.deps.logger.info(
        { module: 'console', action, count: letters.length },
        `dead letters ${action}ed from the console`,
      );
      return kit.page(
        req,
        reply,
        `Dead letters ${action === 'replay' ? 'replayed' : 'purged'}`,
        html`<p id="result">
            ${action === 'replay' ? 'Replayed' : 'Purged'} ${letters.length}: ${letters.map((l) => l.jobId).join(', ')}.
          </p>
          <a href="/console/dead-letters">Back</a>`,
      );
    }
    const body = html`<p id="preview">
        Dry run: this would ${action} ${letters.length} dead
        letter${letters.length === 1 ? '' : 's'}.${action === 'replay' ? ' Replay keeps each job id, so runs resume from their stored steps and the ledger keeps landed writes from repeating.' : ' Purged jobs are deleted for good.'}
      </p>
      ${table(letters)}
      <p>
        ${confirmForm(action, b.data.reason, letters)}
        <a href="/console/dead-letters">Cancel</a>
      </p>`;
    return kit.page(req, reply, `Preview: ${action}`, body);
  });
}
