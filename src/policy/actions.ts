// The kinds of write the agent can ask for, as plain data the policy reads. Whether a kind is customer-visible
// is decided here once: assist mode, the link and leak rules and the reply limits all derive from it.
import type { CloseReason } from './close-reasons.js';

export type ActionSpec =
  | { kind: 'reply'; body: string; articleUrl?: string }
  | { kind: 'note'; body: string }
  | { kind: 'close'; reason: CloseReason | typeof TEAMMATE_CLOSE }
  | { kind: 'open' }
  | { kind: 'assign'; assignee: { type: 'team' | 'admin'; id: string; name: string } }
  | { kind: 'snooze'; hours: number }
  | { kind: 'tag.create'; name: string }
  | { kind: 'tag.attach'; name: string }
  | { kind: 'tag.detach'; name: string; id: string }
  | { kind: 'ticket.convert'; ticketTypeId: string; title?: string; description?: string }
  | { kind: 'ticket.create'; ticketTypeId: string; title: string; description?: string };

/** A close a teammate asked for through the MCP face; the close rule allows it only in a teammate's call. */
export const TEAMMATE_CLOSE = 'teammate_request';

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
  open: false,
  // A ticket is shown to the customer (and Intercom notifies them by default).
  'ticket.convert': true,
  'ticket.create': true,
};

export function isCustomerVisible(kind: ActionKind): boolean {
  return CUSTOMER_VISIBLE[kind];
}

/** The text a customer would read, if the action posts any. */
export function customerText(spec: ActionSpec): string | undefined {
  if (spec.kind === 'reply') return spec.body;
  if (spec.kind === 'ticket.convert' || spec.kind === 'ticket.create') {
    // A ticket's title and description are shown to the customer, so the link and leak rules read them too.
    const text = [spec.title, spec.description].filter((t) => t !== undefined && t !== '').join('\n\n');
    return text === '' ? undefined : text;
  }
  return undefined;
}
