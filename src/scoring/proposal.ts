// What the agent proposed for one conversation, as structured data: folded from the typed actions the write gate
// saw (ARCHITECTURE: the write gate), in shadow mode or in a backtest, never from the note text.
import type { ActionSpec } from '../policy/actions.js';

export interface ProposedAction {
  /** The tool that planned it (`handoff` marks a handoff). */
  tool: string;
  spec: ActionSpec;
  atMs: number;
}

export interface Proposal {
  reply: { body: string; articleUrl: string | null; atS: number } | null;
  assignment: { type: 'team' | 'admin'; id: string; name: string } | null;
  /** Tag names the agent would attach. */
  tags: string[];
  close: boolean;
  snoozeHours: number | null;
  handoff: boolean;
  /** The triage category, from the agent's `category:` tag. */
  category: string | null;
}

export function proposalFrom(actions: readonly ProposedAction[]): Proposal {
  const p: Proposal = {
    reply: null,
    assignment: null,
    tags: [],
    close: false,
    snoozeHours: null,
    handoff: false,
    category: null,
  };
  for (const a of actions) {
    const s = a.spec;
    if (a.tool === 'handoff') p.handoff = true;
    if (s.kind === 'reply' && !p.reply)
      p.reply = { body: s.body, articleUrl: s.articleUrl ?? null, atS: Math.floor(a.atMs / 1000) };
    else if (s.kind === 'assign') p.assignment = { type: s.assignee.type, id: s.assignee.id, name: s.assignee.name };
    else if (s.kind === 'tag.attach' && !p.tags.includes(s.name)) p.tags.push(s.name);
    else if (s.kind === 'tag.detach') p.tags = p.tags.filter((t) => t !== s.name);
    else if (s.kind === 'close') p.close = true;
    else if (s.kind === 'snooze') p.snoozeHours = s.hours;
  }
  const cat = p.tags.find((t) => t.toLowerCase().startsWith('category:'));
  p.category = cat ? cat.slice('category:'.length).toLowerCase() : null;
  return p;
}
