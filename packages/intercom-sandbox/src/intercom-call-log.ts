// Every Intercom API call the sandbox answered, newest last, capped so long benchmarks stay bounded;
// status counts are kept separately and survive the cap.
export interface RecordedCall {
  method: string;
  path: string;
  query: Record<string, string>;
  /** Parsed JSON body (client_secret redacted), or null. */
  body: unknown;
  status: number;
  appId: string | null;
  /** Internal id of the token used; the token itself is never recorded. */
  tokenId: string | null;
  /** The Intercom-Version header sent, if any. */
  version: string | null;
  at: number;
  /** The JSON answer, only when the sandbox was created with recordResponses (contract tests). */
  response?: unknown;
}

export interface CallLog {
  record(c: RecordedCall): void;
  list(): RecordedCall[];
  byStatus(): Record<string, number>;
  reset(): void;
}

export function createCallLog(max = 50_000): CallLog {
  let calls: RecordedCall[] = [];
  let counts: Record<string, number> = {};
  return {
    record(c) {
      calls.push(c);
      // Trim in batches so a long benchmark does not copy the whole log on every call.
      if (calls.length > max + Math.ceil(max / 10)) calls = calls.slice(-max);
      counts[c.status] = (counts[c.status] ?? 0) + 1;
    },
    list: () => calls.map((c) => ({ ...c })),
    byStatus: () => ({ ...counts }),
    reset() {
      calls = [];
      counts = {};
    },
  };
}
