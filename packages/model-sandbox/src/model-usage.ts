// Approximate token accounting and a prompt-cache simulation, so callers can observe the usage figures they would
// get from the real API without a tokenizer. As the Messages API's prompt caching documents it: the prefix runs
// tools, system, messages; each cache_control block (at most four) writes the prefix ending there, if it reaches
// the model's minimum length; each looks back up to 20 blocks for the longest prefix an earlier request wrote;
// entries live 5 minutes (or 1 hour) from their last use. input_tokens is what follows the cached prefix.
import { createHash } from 'node:crypto';
import type { ContentBlock, MessagesRequest, Usage } from './model-wire.js';

type PromptFields = Pick<MessagesRequest, 'model' | 'messages' | 'system' | 'tools' | 'cache_control'>;

/** About four characters a token: close enough for budgets and for telling bigger prompts from smaller ones. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

interface Segment {
  text: string;
  /** Hashed with the text but not counted: where a message (and its role) starts. */
  marker?: string;
  breakpoint: '5m' | '1h' | null;
}

function ttlOf(cc: { ttl?: '5m' | '1h' | undefined } | null | undefined): '5m' | '1h' | null {
  return cc ? (cc.ttl ?? '5m') : null;
}

// The real cache prefix order is tools, then system, then messages; a breakpoint covers everything before it.
// A string content is one text block, so `content: "x"` and `[{ type: 'text', text: 'x' }]` share a prefix.
function segmentsOf(req: PromptFields): Segment[] {
  const out: Segment[] = [];
  for (const tool of req.tools ?? []) {
    const { cache_control, ...rest } = tool;
    out.push({ text: JSON.stringify(rest), breakpoint: ttlOf(cache_control) });
  }
  if (typeof req.system === 'string') out.push({ text: req.system, marker: 'system', breakpoint: null });
  for (const [i, block] of (Array.isArray(req.system) ? req.system : []).entries()) {
    out.push({ text: block.text, ...(i === 0 ? { marker: 'system' } : {}), breakpoint: ttlOf(block.cache_control) });
  }
  for (const message of req.messages) {
    const marker = `message:${message.role}`;
    if (typeof message.content === 'string') {
      out.push({ text: message.content, marker, breakpoint: null });
      continue;
    }
    for (const [i, block] of message.content.entries()) {
      const { cache_control, ...rest } = block;
      out.push({
        text: block.type === 'text' ? block.text : JSON.stringify(rest),
        ...(i === 0 ? { marker } : {}),
        breakpoint: ttlOf(cache_control),
      });
    }
  }
  // Top-level cache_control is automatic caching: one breakpoint on the last block of the prompt.
  const last = out.at(-1);
  if (req.cache_control && last && !last.breakpoint) last.breakpoint = ttlOf(req.cache_control);
  return out;
}

/** The Messages API accepts at most four cache_control breakpoints in one request. */
export const MAX_BREAKPOINTS = 4;
/** Each explicit breakpoint looks for an earlier cache entry at most this many blocks back (itself included). */
export const LOOKBACK_BLOCKS = 20;

/** The 400 the real API answers for too many breakpoints, or null. */
export function checkBreakpoints(req: PromptFields): string | null {
  const n = segmentsOf(req).filter((s) => s.breakpoint).length;
  return n > MAX_BREAKPOINTS
    ? `A maximum of ${MAX_BREAKPOINTS} blocks with cache_control may be provided. Found ${n}.`
    : null;
}

// Shorter prefixes are not cached at all, whatever cache_control says: the minimums the prompt caching docs list
// (Sonnet 4.6 and 4.5 at 1,024; some third-party pages and one SDK issue report 2,048 for Sonnet 4.6 in practice).
const MIN_CACHEABLE: ReadonlyArray<[string, number]> = [
  ['claude-opus-4-6', 4096],
  ['claude-opus-4-5', 4096],
  ['claude-haiku-4-5', 4096],
  ['claude-3-5-haiku', 2048],
  ['claude-3-haiku', 2048],
];

/** The shortest prefix (in tokens) the model caches; 1,024 for models the table does not name. */
export function minCacheableTokens(model: string): number {
  return MIN_CACHEABLE.find(([prefix]) => model.startsWith(prefix))?.[1] ?? 1024;
}

export function countInputTokens(req: PromptFields): number {
  return Math.max(
    1,
    segmentsOf(req).reduce((sum, s) => sum + estimateTokens(s.text), 0),
  );
}

export function countOutputTokens(content: readonly ContentBlock[]): number {
  return content.reduce(
    (sum, b) => sum + estimateTokens(b.type === 'text' ? b.text : b.name + JSON.stringify(b.input)),
    0,
  );
}

export interface PromptCache {
  /** Usage for a request, recording its cache breakpoints as written (or refreshed) for later requests. */
  usage(req: PromptFields, outputTokens: number): Usage;
  clear(): void;
}

const TTL_MS = { '5m': 5 * 60_000, '1h': 60 * 60_000 } as const;

export function createPromptCache(opts: { now?: () => number; maxEntries?: number } = {}): PromptCache {
  const now = opts.now ?? Date.now;
  const maxEntries = opts.maxEntries ?? 1024;
  const entries = new Map<string, { expiresAt: number; ttl: '5m' | '1h' }>(); // prefix hash -> entry

  function remember(key: string, ttl: '5m' | '1h'): void {
    entries.delete(key); // re-insert so Map order stays least-recently-used first
    entries.set(key, { expiresAt: now() + TTL_MS[ttl], ttl });
    for (const oldest of entries.keys()) {
      if (entries.size <= maxEntries) break;
      entries.delete(oldest);
    }
  }

  return {
    usage(req, outputTokens) {
      const segments = segmentsOf(req);
      const min = minCacheableTokens(req.model);
      // The prefix hash and token count at the end of every block: cache entries live at block boundaries.
      const hash = createHash('sha256').update(req.model);
      let total = 0;
      const blocks = segments.map((s) => {
        if (s.marker) hash.update('\u0001').update(s.marker);
        hash.update('\u0000').update(s.text);
        total += estimateTokens(s.text);
        return { key: hash.copy().digest('hex'), tokens: total, breakpoint: s.breakpoint };
      });
      // Reads: from each breakpoint, the longest prefix an earlier request wrote, looking back up to 20 blocks.
      let readTokens = 0;
      const hits = new Set<string>();
      blocks.forEach((b, i) => {
        if (!b.breakpoint) return;
        for (let j = i; j >= 0 && j > i - LOOKBACK_BLOCKS; j -= 1) {
          const at = blocks[j];
          const entry = at ? entries.get(at.key) : undefined;
          if (!at || !entry || entry.expiresAt <= now() || at.tokens < min) continue;
          readTokens = Math.max(readTokens, at.tokens);
          hits.add(at.key);
          break;
        }
      });
      // Writes: every breakpoint whose prefix is long enough is cached (or refreshed) for later requests.
      const written = blocks.filter((b) => b.breakpoint && b.tokens >= min);
      for (const key of hits) {
        const entry = entries.get(key);
        if (entry) remember(key, entry.ttl); // a hit refreshes the entry's lifetime
      }
      for (const b of written) if (b.breakpoint) remember(b.key, b.breakpoint);
      const last = written.at(-1);
      const cachedUpTo = last?.tokens ?? 0;
      const creation = Math.max(0, cachedUpTo - readTokens);
      return {
        input_tokens: Math.max(1, total - Math.max(cachedUpTo, readTokens)),
        output_tokens: outputTokens,
        cache_creation_input_tokens: creation,
        cache_read_input_tokens: readTokens,
        cache_creation: {
          ephemeral_5m_input_tokens: last?.breakpoint === '1h' ? 0 : creation,
          ephemeral_1h_input_tokens: last?.breakpoint === '1h' ? creation : 0,
        },
        service_tier: 'standard',
      };
    },
    clear() {
      entries.clear();
    },
  };
}
