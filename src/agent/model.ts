// The model seam: a small ModelClient interface and its Anthropic adapter, the only importer of the SDK.
// Errors are classified once here; the SDK does not retry (maxRetries 0) because BullMQ's backoff owns retries (E5).
import Anthropic from '@anthropic-ai/sdk';
import { ModelRefusedError, ModelUnavailableError } from '../errors.js';

export type ContentBlock =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: unknown }
  | { type: 'tool_result'; tool_use_id: string; content: string; is_error?: boolean };

export interface ModelMessage {
  role: 'user' | 'assistant';
  content: string | ContentBlock[];
}

export interface ToolSpec {
  name: string;
  description: string;
  input_schema: Record<string, unknown>;
}

export interface ModelRequest {
  system: string;
  tools: ToolSpec[];
  messages: ModelMessage[];
  maxTokens: number;
  signal?: AbortSignal;
}

export interface ModelUsage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
}

export interface ModelResponse {
  content: ContentBlock[];
  stopReason: string;
  usage: ModelUsage;
}

export interface ModelClient {
  create(req: ModelRequest): Promise<ModelResponse>;
}

export function createAnthropicModel(d: {
  apiKey: string;
  baseURL?: string | undefined;
  model: string;
  timeoutMs?: number;
}): ModelClient {
  const client = new Anthropic({
    apiKey: d.apiKey,
    ...(d.baseURL ? { baseURL: d.baseURL } : {}),
    maxRetries: 0,
    timeout: d.timeoutMs ?? 120_000,
  });
  return {
    async create(req) {
      const tools = req.tools.map((t, i) => ({
        name: t.name,
        description: t.description,
        input_schema: { type: 'object' as const, ...t.input_schema },
        // Breakpoint 1: the tool definitions, shared by every tenant with the same toolset.
        ...(i === req.tools.length - 1 ? { cache_control: EPHEMERAL } : {}),
      }));
      try {
        const res = await client.messages.create(
          {
            model: d.model,
            max_tokens: req.maxTokens,
            // Breakpoint 2: tools + system, identical for every run of a tenant (prompts.ts keeps run data out).
            system: [{ type: 'text', text: req.system, cache_control: EPHEMERAL }],
            tools,
            messages: req.messages.map((m, i) => toSdkMessage(m, i === req.messages.length - 1)),
          },
          req.signal ? { signal: req.signal } : undefined,
        );
        return {
          content: res.content.flatMap(fromSdkBlock),
          stopReason: res.stop_reason ?? 'end_turn',
          usage: {
            inputTokens: res.usage.input_tokens,
            outputTokens: res.usage.output_tokens,
            cacheReadTokens: res.usage.cache_read_input_tokens ?? 0,
            cacheWriteTokens: res.usage.cache_creation_input_tokens ?? 0,
          },
        };
      } catch (err) {
        throw classifyModelError(err);
      }
    },
  };
}

const EPHEMERAL = { type: 'ephemeral' } as const;

/**
 * Breakpoint 3 moves: it sits on the last block of the last message, so each turn writes the whole transcript
 * and the next turn (which appends one assistant turn and its tool results, well inside the API's 20-block
 * lookback) reads it back. Three breakpoints of the four the API allows.
 */
function toSdkMessage(m: ModelMessage, last = false): Anthropic.MessageParam {
  if (typeof m.content === 'string' && !last) return { role: m.role, content: m.content };
  const blocks: ContentBlock[] = typeof m.content === 'string' ? [{ type: 'text', text: m.content }] : m.content;
  return {
    role: m.role,
    content: blocks.map((b, i): Anthropic.ContentBlockParam => {
      const cache = last && i === blocks.length - 1 ? { cache_control: EPHEMERAL } : {};
      if (b.type === 'text') return { type: 'text', text: b.text, ...cache };
      if (b.type === 'tool_use') return { type: 'tool_use', id: b.id, name: b.name, input: b.input, ...cache };
      return {
        type: 'tool_result',
        tool_use_id: b.tool_use_id,
        content: b.content,
        ...(b.is_error ? { is_error: true } : {}),
        ...cache,
      };
    }),
  };
}

function fromSdkBlock(b: Anthropic.ContentBlock): ContentBlock[] {
  if (b.type === 'text') return [{ type: 'text', text: b.text }];
  if (b.type === 'tool_use') return [{ type: 'tool_use', id: b.id, name: b.name, input: b.input }];
  return []; // thinking and server-tool blocks are not used by this agent
}

export function classifyModelError(err: unknown): Error {
  if (err instanceof Anthropic.APIError) {
    const status = err.status;
    // 408/409/429/5xx/529 and connection errors are worth another attempt after backoff; 4xx otherwise are not.
    if (status === undefined || status === 408 || status === 409 || status === 429 || status >= 500) {
      return new ModelUnavailableError(`model API unavailable (status ${status ?? 'network'})`, { cause: err });
    }
    return new ModelRefusedError(`model API refused the request (status ${status})`, { cause: err });
  }
  if (err instanceof Error && err.name === 'AbortError') return err;
  return new ModelUnavailableError('model API call failed', { cause: err });
}
