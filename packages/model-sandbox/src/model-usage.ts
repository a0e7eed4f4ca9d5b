// Approximate token accounting and a prompt-cache simulation, so callers can observe the usage figures they would
// get from the real API (including cache reads on a repeated cache_control prefix) without a tokenizer.
import { createHash } from 'node:crypto';
import type { ContentBlock, MessagesRequest, Usage } from './model-wire.js';

type PromptFields = Pick<MessagesRequest, 'model' | 'messages' | 'system' | 'tools' | 'cache_control'>;

/** About four characters a token: close enough for budgets and for telling bigger prompts from smaller ones. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

interface Segment {
  text: string;
  breakpoint: '5m' | '1h' | null;
}

function ttlOf(cc: { ttl?: '5m' | '1h' | undefined } | null | undefined): '5m' | '1h' | null {
  return cc ? (cc.ttl ?? '5m') : null;
}

// The real cache prefix order is tools, then system, then messages; a breakpoint covers everything before it.
function segmentsOf(req: PromptFields): Segment[] {
  const out: Segment[] = [];
  for (const tool of req.tools ?? []) {
    const { cache_control, ...rest } = tool;
    out.push({ text: JSON.stringify(rest), breakpoint: ttlOf(cache_control) });
  }
  if (typeof req.system === 'string') out.push({ text: req.system, breakpoint: null });
  for (const block of Array.isArray(req.system) ? req.system : []) {
    out.push({ text: block.text, breakpoint: ttlOf(block.cache_control) });
  }
  for (const message of req.messages) {
    if (typeof message.content === 'string') {
      out.push({ text: `${message.role}:${message.content}`, breakpoint: null });
      continue;
    }
    for (const block of message.content) {
      const { cache_control, ...rest } = block;
      out.push({ text: block.type === 'text' ? block.text : JSON.stringify(rest), breakpoint: ttlOf(cache_control) });
    }
  }
  // Top-level cache_control is automatic caching: one breakpoint on the last block of the prompt.
  const last = out.at(-1);
  if (req.cache_control && last && !last.breakpoint) last.breakpoint = ttlOf(req.cache_control);
  return out;
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
  const maxEntries = opts.maxEntries ?? 256;
  const entries = new Map<string, number>(); // prefix hash -> expiry (ms)

  function remember(key: string, ttl: '5m' | '1h'): void {
    entries.delete(key); // re-insert so Map order stays least-recently-used first
    entries.set(key, now() + TTL_MS[ttl]);
    for (const oldest of entries.keys()) {
      if (entries.size <= maxEntries) break;
      entries.delete(oldest);
    }
  }

  return {
    usage(req, outputTokens) {
      const segments = segmentsOf(req);
      const hash = createHash('sha256').update(req.model);
      let tokens = 0;
      let readTokens = 0;
      let lastBreakpoint: { key: string; tokens: number; ttl: '5m' | '1h' } | null = null;
      const breakpoints: { key: string; ttl: '5m' | '1h' }[] = [];
      for (const s of segments) {
        hash.update('\u0000').update(s.text);
        tokens += estimateTokens(s.text);
        if (!s.breakpoint) continue;
        const key = hash.copy().digest('hex');
        const expiresAt = entries.get(key);
        if (expiresAt !== undefined && expiresAt > now()) readTokens = tokens;
        lastBreakpoint = { key, tokens, ttl: s.breakpoint };
        breakpoints.push({ key, ttl: s.breakpoint });
      }
      for (const b of breakpoints) remember(b.key, b.ttl);
      const cachedUpTo = lastBreakpoint?.tokens ?? 0;
      const creation = Math.max(0, cachedUpTo - readTokens);
      return {
        input_tokens: Math.max(1, tokens - Math.max(cachedUpTo, readTokens)),
        output_tokens: outputTokens,
        cache_creation_input_tokens: creation,
        cache_read_input_tokens: readTokens,
        cache_creation: {
          ephemeral_5m_input_tokens: lastBreakpoint?.ttl === '1h' ? 0 : creation,
          ephemeral_1h_input_tokens: lastBreakpoint?.ttl === '1h' ? creation : 0,
        },
        service_tier: 'standard',
      };
    },
    clear() {
      entries.clear();
    },
  };
}
