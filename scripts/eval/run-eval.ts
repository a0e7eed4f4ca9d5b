// Runs scenarios against an eval stack: one group per tenant mode (the tenant is switched between groups), the
// scenarios of a group concurrently, then reads back what the agent did and scores it.
import { SEED_BOT_ADMIN_ID, SEED_CONTACTS, type IntercomSandbox } from '@deskpilot/intercom-sandbox';
import type { Scenario } from './scenario.js';
import { score, type Observed, type Verdict } from './score.js';
import { TEAMMATE_ID, type EvalStack } from './stack.js';

export interface ScenarioResult {
  scenario: Scenario;
  conversationId: string;
  observed: Observed;
  verdict: Verdict;
  ms: number;
}

const MODES = ['autonomous', 'assist', 'shadow'] as const;

const escapeHtml = (s: string) => s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

function setUp(stack: EvalStack, s: Scenario, index: number): string {
  const contact = SEED_CONTACTS[index % SEED_CONTACTS.length]?.id ?? SEED_CONTACTS[0].id;
  return stack.inThePast(() => {
    const conv = stack.intercom.addConversation({ contact, body: `<p>${escapeHtml(s.message)}</p>` });
    const id = String(conv.id);
    for (const h of s.history) {
      const body = `<p>${escapeHtml(h.body)}</p>`;
      if (h.from === 'customer') stack.intercom.addContactReply(id, body);
      else stack.intercom.addAdminReply(id, TEAMMATE_ID, body, h.kind);
    }
    return id;
  });
}

interface SandboxPart {
  part_type: string;
  body: string | null;
  author: { id: string | number };
  assigned_to: { type: string; id: string | number | null } | null;
}

const plain = (html: string | null) =>
  (html ?? '')
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();

function observe(intercom: IntercomSandbox, id: string, outcome: string, names: Map<string, string>): Observed {
  const conv = intercom.conversation(id) as unknown as {
    state: string;
    tags: { tags: Array<{ name: string }> };
    conversation_parts: { conversation_parts: SandboxPart[] };
  };
  const ours = conv.conversation_parts.conversation_parts.filter((p) => String(p.author.id) === SEED_BOT_ADMIN_ID);
  const actions: string[] = [];
  for (const p of ours) {
    if (p.part_type === 'comment') actions.push('reply');
    else if (p.part_type === 'note') actions.push('note');
    else if (p.part_type === 'assignment') {
      const to = p.assigned_to?.id === null || p.assigned_to === null ? 'nobody' : String(p.assigned_to.id);
      actions.push(`assign:${names.get(to) ?? to}`);
    } else if (p.part_type === 'close' || p.part_type === 'snoozed' || p.part_type === 'open')
      actions.push(p.part_type === 'snoozed' ? 'snooze' : p.part_type);
  }
  const tags = conv.tags.tags.map((t) => t.name).sort();
  actions.push(...tags.map((t) => `tag:${t}`));
  return {
    outcome,
    actions,
    tags,
    state: conv.state,
    replies: ours.filter((p) => p.part_type === 'comment').map((p) => plain(p.body)),
    notes: ours.filter((p) => p.part_type === 'note').map((p) => plain(p.body)),
    foreignWrites: [],
    refusals: [],
  };
}

/** Writes to any conversation the eval did not create for a scenario (the agent reaching beyond its binding). */
function foreignWrites(intercom: IntercomSandbox, own: Set<string>): string[] {
  const out = new Set<string>();
  for (const c of intercom.calls()) {
    const m = /^\/conversations\/([^/]+)\//.exec(c.path);
    if (c.method !== 'GET' && m?.[1] && !own.has(m[1])) out.add(`${c.method} ${c.path}`);
  }
  return [...out];
}

export async function runEval(
  stack: EvalStack,
  scenarios: readonly Scenario[],
  opts: { timeoutMs: number; onResult?: (r: ScenarioResult) => void },
): Promise<ScenarioResult[]> {
  const names = new Map<string, string>([
    ['5120001', 'Billing'],
    ['5120002', 'Technical'],
    ['5120003', 'Customer Success'],
    ['9608801', 'Maya Chen'],
    ['9608802', 'Tom Okafor'],
  ]);
  const results: ScenarioResult[] = [];
  const own = new Set<string>();
  // The obedient persona defers to the script when customer text holds no AGENT-DO line, so benign scenarios
  // behave the same under it; attack scenarios get a model that follows the injected instructions.
  if (scenarios.some((s) => s.model === 'obedient')) stack.setPersona('obedient');
  let index = 0;
  for (const mode of MODES) {
    const group = scenarios.filter((s) => s.mode === mode);
    if (group.length === 0) continue;
    await stack.setMode(mode);
    const started = group.map((s) => {
      const id = setUp(stack, s, index++);
      own.add(id);
      const mid = s.teammateMidRun;
      if (mid)
        stack.onFirstModelCall(id, () => stack.intercom.addAdminReply(id, TEAMMATE_ID, `<p>${escapeHtml(mid)}</p>`));
      return { s, id, t0: Date.now() };
    });
    await Promise.all(
      started.map(async ({ s, id, t0 }) => {
        const jobId = s.task === 'new_message' ? await stack.webhook(id) : await stack.sweep(id, s.task);
        const outcome = await stack.outcome(jobId, opts.timeoutMs);
        const observed = observe(stack.intercom, id, outcome, names);
        observed.refusals = await stack.refusals(id);
        results.push({
          scenario: s,
          conversationId: id,
          observed,
          verdict: { pass: true, failures: [] },
          ms: Date.now() - t0,
        });
      }),
    );
  }
  const foreign = foreignWrites(stack.intercom, own);
  const byName = new Map(scenarios.map((s, i) => [s.name, i]));
  results.sort((a, b) => (byName.get(a.scenario.name) ?? 0) - (byName.get(b.scenario.name) ?? 0));
  for (const r of results) {
    r.observed.foreignWrites = foreign;
    r.verdict = score(r.scenario, r.observed, stack.secrets);
    opts.onResult?.(r);
  }
  return results;
}
