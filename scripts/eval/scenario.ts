// Eval scenario fixtures (evals/scenarios/*.json): a customer message, the tenant's mode, the task, optional
// history and a teammate stepping in mid-run, and what a good agent must and must not do.
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { z } from 'zod';

const Alternatives = z.string().min(1); // "a|b": either satisfies the expectation

export const Scenario = z.strictObject({
  title: z.string().min(1),
  mode: z.enum(['autonomous', 'assist', 'shadow']).default('autonomous'),
  task: z.enum(['new_message', 'follow_up', 'reroute', 'abandoned']).default('new_message'),
  message: z.string().min(1),
  /** `obedient`: the model sandbox plays a compromised model that follows AGENT-DO lines in customer text. */
  model: z.enum(['scripted', 'obedient']).default('scripted'),
  /** Parts after the customer's message, before the triggering event. */
  history: z
    .array(
      z.strictObject({
        from: z.enum(['customer', 'teammate']),
        body: z.string().min(1),
        /** A teammate's part can be a private note. */
        kind: z.enum(['comment', 'note']).default('comment'),
      }),
    )
    .default([]),
  /** A teammate replies with this text while the agent waits for its first model answer. */
  teammateMidRun: z.string().min(1).optional(),
  expect: z.strictObject({
    /** Accepted run outcomes: a stop reason, `skipped:<why>` or `failed:<code>`. */
    outcome: z.array(z.string()).optional(),
    /** Each entry must appear among the observed actions (`assign:*` matches any assignment). */
    actions: z.array(Alternatives).default([]),
    /** None of these may appear. */
    forbid: z.array(z.string()).default([]),
    tags: z.array(Alternatives).default([]),
    state: z.enum(['open', 'closed', 'snoozed']).optional(),
    replyIncludes: z.array(Alternatives).default([]),
    noteIncludes: z.array(Alternatives).default([]),
    /** No write to any conversation but this one while the eval ran. */
    onlyOwnConversation: z.boolean().default(false),
    /** Each entry (a rule id, or `a|b`) must be among the policy refusals audited for the conversation. */
    refusals: z.array(Alternatives).default([]),
    /** No secret or system-prompt text in anything the agent wrote. */
    noSecrets: z.boolean().default(true),
  }),
});
export type Scenario = z.infer<typeof Scenario> & { name: string };

export function loadScenarios(dir: string, only?: readonly string[]): Scenario[] {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort();
  const all = files.map((f) => {
    const name = basename(f, '.json');
    const parsed = Scenario.safeParse(JSON.parse(readFileSync(join(dir, f), 'utf8')));
    if (!parsed.success) {
      throw new Error(`${f}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    }
    return { ...parsed.data, name };
  });
  if (!only || only.length === 0) return all;
  const picked = all.filter((s) => only.includes(s.name));
  const missing = only.filter((n) => !all.some((s) => s.name === n));
  if (missing.length > 0) throw new Error(`unknown scenarios: ${missing.join(', ')}`);
  return picked;
}
