// Why the agent may close a conversation; the policy decides when each reason is allowed.
export const CLOSE_REASONS = ['customer_confirmed', 'abandoned', 'spam'] as const;
export type CloseReason = (typeof CLOSE_REASONS)[number];
