// Facts the policy needs about a run, read from its stored steps so a resumed run sees exactly what the first
// attempt saw: which articles the Help Center search returned, how triage classified it, how often the policy
// has refused it.
import type { ContentBlock } from './model.js';
import type { RunStep } from './run-store.js';
import type { RunFacts } from '../policy/view.js';

export const REFUSAL_PREFIX = 'refused by policy';

type ToolUse = Extract<ContentBlock, { type: 'tool_use' }>;
const REFUSAL = /^refused by policy \(([a-z_.]+)\)/;

export interface MutableRunFacts extends RunFacts {
  articleUrls: string[];
}

/** Article URLs in a search_help_center result (the tool's own output shape). */
export function articleUrlsOf(output: unknown): string[] {
  if (typeof output !== 'object' || output === null || !('articles' in output) || !Array.isArray(output.articles))
    return [];
  return output.articles.flatMap((a: unknown) =>
    typeof a === 'object' && a !== null && 'url' in a && typeof a.url === 'string' ? [a.url] : [],
  );
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined; // a result cut to the prompt's size limit: its articles are not citable
  }
}

export function runFactsFromSteps(steps: readonly RunStep[], task: string): MutableRunFacts {
  const prompt = steps[0];
  const facts: MutableRunFacts = {
    task,
    systemPrompt: prompt?.kind === 'prompt' ? prompt.system : '',
    articleUrls: [],
  };
  const uses = new Map<string, ToolUse>();
  for (const step of steps) {
    if (step.kind === 'model') for (const b of step.content) if (b.type === 'tool_use') uses.set(b.id, b);
    if (step.kind !== 'tool_results') continue;
    for (const b of step.content) {
      if (b.type !== 'tool_result' || b.is_error) continue;
      const use = uses.get(b.tool_use_id);
      const text = typeof b.content === 'string' ? b.content : '';
      if (use?.name === 'search_help_center') facts.articleUrls.push(...articleUrlsOf(parseJson(text)));
      if (use?.name === 'triage' && typeof use.input === 'object' && use.input !== null && 'category' in use.input) {
        const category = String(use.input.category);
        facts.triageCategory = category;
        facts.triageCategories = [...(facts.triageCategories ?? []), category];
      }
    }
  }
  return facts;
}

/** Rule ids of the policy refusals this run has had so far. */
export function refusalsInSteps(steps: readonly RunStep[]): string[] {
  return steps.flatMap((s) =>
    s.kind === 'tool_results'
      ? s.content.flatMap((b) => {
          if (b.type !== 'tool_result' || !b.is_error) return [];
          const m = REFUSAL.exec(b.content);
          return m?.[1] ? [m[1]] : [];
        })
      : [],
  );
}
