// Table types for Kysely. Columns mirror the frozen migrations in ./migrations.
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';
// The JSON columns are typed by the pure policy module, the one app module db may import (types only).
import type { PolicySettings, TenantMode } from '../policy/settings.js';
import type { AutonomySettings } from '../policy/autonomy.js';
import type { ScoringTables } from './schema-scoring.js';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json<T> = ColumnType<T, string, string>;

export type { TenantMode };
export type ConnectionStatus = 'active' | 'revoked' | 'disconnected';

export interface TenantSettings {
  tone?: string;
  teams?: Array<{ name: string; id: string; handles: string }>;
  admins?: Array<{ name: string; id: string }>;
  policies?: string[];
  handoffTeamId?: string;
  /** Stale sweeps (sweeps/sweep-policy.ts has the defaults): abandonMs 0 turns abandonment off. */
  sweeps?: {
    intervalMs?: number;
    waitingMs?: number;
    unassignedMs?: number;
    abandonMs?: number;
    windowMs?: number;
    enabled?: boolean;
  };
  limits?: { appPerMinute?: number; workspacePerMinute?: number };
  /** Guardrails the write gate enforces (policy/settings.ts has the defaults). */
  policy?: PolicySettings;
  /** Mode per triage category and readiness thresholds (policy/autonomy.ts). */
  autonomy?: AutonomySettings;
}

export interface IntercomAppsTable {
  id: string;
  name: string;
  client_id: string | null;
  client_secret_enc: string;
  created_at: Timestamp;
}

export interface TenantsTable {
  id: string;
  name: string;
  intercom_app_id: string;
  workspace_id: string;
  mode: ColumnType<TenantMode, TenantMode | undefined, TenantMode>;
  allowed_tools: Json<string[]>;
  settings: Json<TenantSettings>;
  status: ColumnType<string, string | undefined, string>;
  last_event_at: NullableTimestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ConnectionsTable {
  id: string;
  tenant_id: string;
  access_token_enc: string;
  key_id: string;
  admin_id: string;
  region: string;
  status: ConnectionStatus;
  source: 'oauth' | 'token';
  revoked_reason: string | null;
  revoked_at: NullableTimestamp;
  last_probe_at: NullableTimestamp;
  last_probe_ok_at: NullableTimestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface AgentRunsTable {
  id: string;
  tenant_id: string;
  conversation_id: string;
  job_id: string;
  trigger: string;
  status: string;
  stop_reason: string | null;
  error_code: string | null;
  turns: ColumnType<number, number | undefined, number>;
  input_tokens: ColumnType<number, number | undefined, number>;
  output_tokens: ColumnType<number, number | undefined, number>;
  cached_tokens: ColumnType<number, number | undefined, number>;
  /** Migration 0004: the model priced, cache-write tokens and the run's cost in USD. */
  model: ColumnType<string | null, string | null | undefined, string | null>;
  cache_write_tokens: ColumnType<number, number | undefined, number>;
  cost_usd: ColumnType<number, number | undefined, number>;
  started_at: Timestamp;
  finished_at: NullableTimestamp;
}

export interface RunStepsTable {
  run_id: string;
  seq: number;
  kind: string;
  payload: Json<unknown>;
  created_at: Timestamp;
}

export interface ActionLedgerTable {
  id: string;
  run_id: string;
  tenant_id: string;
  conversation_id: string;
  tool: string;
  tool_use_id: string;
  intent: Json<unknown>;
  status: 'intent' | 'done' | 'failed' | 'skipped';
  outcome: ColumnType<unknown, string | null | undefined, string | null>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface AuditEventsTable {
  id: Generated<string>;
  tenant_id: string;
  seq: ColumnType<string, number | string, never>;
  conversation_id: string | null;
  run_id: string | null;
  actor: string;
  action: string;
  outcome: string;
  details: Json<Record<string, unknown>>;
  prev_hash: string;
  hash: string;
  created_at: Timestamp;
}

/** The last row a retention prune deleted from a tenant's chain (migration 0002). Append-only. */
export interface AuditCheckpointsTable {
  tenant_id: string;
  seq: ColumnType<string, number | string, never>;
  hash: string;
  pruned_rows: ColumnType<string, number | string, never>;
  created_at: ColumnType<Date, Date | string | undefined, never>;
}

/** Migration 0006: MCP bearer tokens, stored as SHA-256 hashes only. */
export interface McpTokensTable {
  id: string;
  tenant_id: string;
  label: string;
  token_hash: string;
  scopes: Json<string[]>;
  expires_at: Timestamp;
  created_at: Timestamp;
  revoked_at: NullableTimestamp;
  last_used_at: NullableTimestamp;
}

export interface Database extends ScoringTables {
  mcp_tokens: McpTokensTable;
  intercom_apps: IntercomAppsTable;
  tenants: TenantsTable;
  connections: ConnectionsTable;
  agent_runs: AgentRunsTable;
  run_steps: RunStepsTable;
  action_ledger: ActionLedgerTable;
  audit_events: AuditEventsTable;
  audit_checkpoints: AuditCheckpointsTable;
}

export type Tenant = Selectable<TenantsTable>;
export type NewTenant = Insertable<TenantsTable>;
export type TenantUpdate = Updateable<TenantsTable>;
export type Connection = Selectable<ConnectionsTable>;
export type IntercomApp = Selectable<IntercomAppsTable>;
export type AgentRun = Selectable<AgentRunsTable>;
export type AuditEvent = Selectable<AuditEventsTable>;
export type McpToken = Selectable<McpTokensTable>;
