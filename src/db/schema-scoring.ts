// Table types for migration 0005: conversation scores and backtest runs.
import type { ColumnType } from 'kysely';

type Json<T> = ColumnType<T, string, string>;
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Count = ColumnType<string, number | string | undefined, number | string>;

export interface ConversationScoresTable {
  tenant_id: string;
  /** `shadow`, or `backtest:<run id>`. */
  source: string;
  conversation_id: string;
  run_id: string | null;
  category: string;
  score: Json<unknown>;
  proposal: Json<unknown>;
  scored_at: Timestamp;
}

export interface BacktestRunsTable {
  id: string;
  tenant_id: string;
  status: 'running' | 'done';
  params: Json<unknown>;
  conversation_ids: Json<string[]>;
  input_tokens: Count;
  output_tokens: Count;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ScoringTables {
  conversation_scores: ConversationScoresTable;
  backtest_runs: BacktestRunsTable;
}
