// Runs every rule against one proposed action; the first denial wins. The order puts the cheap, structural
// rules first so the reason a model gets back is the most basic thing to fix.
import type { ActionSpec } from './actions.js';
import { assign, close, scope, snooze, tags, volume } from './actions-rules.js';
import { leaks } from './leaks.js';
import { links } from './links.js';
import { allow, type PolicyView, type Rule, type Verdict } from './view.js';

export const RULES: readonly Rule[] = [scope, volume, links, leaks, close, tags, assign, snooze];

export function evaluatePolicy(action: ActionSpec, view: PolicyView): Verdict {
  for (const rule of RULES) {
    const v = rule(action, view);
    if (!v.ok) return v;
  }
  return allow;
}
