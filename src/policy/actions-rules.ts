// Rules on what an action does rather than what it says: scope, volume, close conditions, tag taxonomy,
// routing and snooze length.
import { isCustomerVisible, TEAMMATE_CLOSE, type ActionSpec } from './actions.js';
import { isCustomerAuthor, parts } from '../intercom/conversation-facts.js';
import { inTaxonomy } from './taxonomy.js';
import { allow, deny, TEAMMATE_TASK, type PolicyView, type Rule } from './view.js';

export const scope: Rule = (action, view) =>
  view.mode === 'assist' && isCustomerVisible(action.kind)
    ? deny('scope.assist', `assist mode never performs customer-visible actions (${action.kind})`)
    : allow;

export const volume: Rule = (action, view) => {
  if (action.kind !== 'reply') return allow;
  const p = view.policy;
  if (action.body.length > p.maxBodyChars)
    return deny('volume.length', `replies are limited to ${p.maxBodyChars} characters; write a shorter reply`);
  if (view.replies.thisRun >= p.repliesPerRun)
    return deny('volume.run', `at most ${p.repliesPerRun} replies per run; stop replying`);
  if (view.replies.lastHour >= p.repliesPerHour)
    return deny('volume.hour', `at most ${p.repliesPerHour} replies per conversation per hour`);
  return allow;
};

/** Whether the customer wrote after the last public reply from the workspace (the agent or a teammate). */
export function customerWroteAfterOurReply(view: PolicyView): boolean {
  const all = parts(view.conversation);
  const lastReply = all.findLastIndex((p) => p.part_type === 'comment' && p.author.type === 'admin');
  if (lastReply < 0) return false;
  return all.slice(lastReply + 1).some((p) => p.part_type === 'comment' && isCustomerAuthor(p.author.type));
}

export const close: Rule = (action, view) => {
  if (action.kind !== 'close') return allow;
  if (action.reason === TEAMMATE_CLOSE)
    return view.run.task === TEAMMATE_TASK
      ? allow
      : deny('close.teammate', 'only a teammate closes without a stated reason; give one of the close reasons');
  if (action.reason === 'customer_confirmed' && !customerWroteAfterOurReply(view))
    return deny('close.confirmed', 'customer_confirmed needs a customer message after our last public reply');
  if (action.reason === 'abandoned' && view.run.task !== 'abandoned')
    return deny('close.abandoned', 'abandoned closes only happen in the abandoned-conversation sweep');
  const spamTagged = view.conversation.tags.tags.some((t) => t.name.toLowerCase() === 'category:spam');
  if (action.reason === 'spam' && view.run.triageCategory !== 'spam' && !spamTagged)
    return deny('close.spam', 'spam closes need a triage with category spam first');
  return allow;
};

export const tags: Rule = (action: ActionSpec, view) => {
  if (action.kind !== 'tag.create' && action.kind !== 'tag.attach' && action.kind !== 'tag.detach') return allow;
  if (!inTaxonomy(action.name, view.policy.tagPatterns))
    return deny('tags.taxonomy', `"${action.name}" is outside this workspace's tag taxonomy`);
  if (action.kind === 'tag.detach') {
    const tag = view.conversation.tags.tags.find((t) => t.id === action.id);
    if (tag?.applied_by?.id !== view.ownAdminId)
      return deny('tags.foreign', `"${action.name}" was not added by the agent, so the agent may not remove it`);
  }
  return allow;
};

export const assign: Rule = (action, view) => {
  if (action.kind !== 'assign') return allow;
  const table = action.assignee.type === 'team' ? view.routing.teams : view.routing.admins;
  return table.some((e) => e.id === action.assignee.id)
    ? allow
    : deny('assign.routing', `${action.assignee.type} ${action.assignee.name} is not in the routing table`);
};

export const snooze: Rule = (action, view) =>
  action.kind === 'snooze' && action.hours > view.policy.snoozeMaxHours
    ? deny('snooze.max', `snooze at most ${view.policy.snoozeMaxHours} hours`)
    : allow;
