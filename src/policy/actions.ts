// The kinds of write the agent can ask for, as plain data the policy reads. Whether a kind is customer-visible
// is decided here once: assist mode, the link and leak rules and the reply limits all derive from it.
import type { CloseReason } from './close-reasons.js';

export type ActionSpec =
  | { kind: 'reply'; body: string; articleUrl?: string }
  | { kind: 'note'; body: string }
  | { kind: 'close'; reason: CloseReason }
  | { kind: 'assign'; assignee: { type: 'team' | 'admin'; id: string; name: string } }
  | { kind: 'snooze'; hours: number }
  | { kind: 'tag.create'; name: string }
  | { kind: 'tag.attach'; name: string }
  | { kind: 'tag.detach'; name: string; id: string };

export type ActionKind = ActionSpec['kind'];

const CUSTOMER_VISIBLE: Record<ActionKind, boolean> = {
  reply: true,
  close: true,
  note: false,
  assign: false,
  snooze: false,
  'tag.create': false,
  'tag.attach': false,
  'tag.detach': false,
};

export function isCustomerVisible(kind: ActionKind): boolean {
  return CUSTOMER_VISIBLE[kind];
}

/** The text a customer would read, if the action posts any. */
export function customerText(spec: ActionSpec): string | undefined {
  return spec.kind === 'reply' ? spec.body : undefined;
}
