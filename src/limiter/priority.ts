// Who is asking for Intercom budget. When a tenant's budget is scarce, customer-visible replies go first,
// then other conversation writes and reads, then sweeps and backfills.
export type CallPriority = 'reply' | 'action' | 'background';
