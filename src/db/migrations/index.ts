// The migration list. Append only; existing entries are frozen.
import type { Migration } from 'kysely';
import * as m0001 from './0001_init.js';
import * as m0002 from './0002_audit_checkpoints.js';
import * as m0003 from './0003_ledger_by_conversation.js';
import * as m0004 from './0004_run_costs.js';
import * as m0005 from './0005_scores_and_backtests.js';
import * as m0006 from './0006_mcp_tokens.js';

export const migrations: Record<string, Migration> = {
  '0001_init': m0001,
  '0002_audit_checkpoints': m0002,
  '0003_ledger_by_conversation': m0003,
  '0004_run_costs': m0004,
  '0005_scores_and_backtests': m0005,
  '0006_mcp_tokens': m0006,
};
