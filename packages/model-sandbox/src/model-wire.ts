// Wire format of the Messages API as the sandbox accepts and answers it. Own zod schemas on purpose: src/ may not
// import @anthropic-ai/sdk at runtime (ARCHITECTURE.md: "Layers"), and validating here is what lets the sandbox answer 400 the way
// the real API does instead of letting a malformed agent request pass silently.
import { z } from 'zod';

const CacheControl = z.object({ type: z.literal('ephemeral'), ttl: z.enum(['5m', '1h']).optional() });
const cacheControl = CacheControl.nullish();

export const TextBlockParam = z.object({
  type: z.literal('text'),
  text: z.string(),
  cache_control: cacheControl,
  citations: z.array(z.unknown()).nullish(),
});

const ToolUseBlockParam = z.object({
  type: z.literal('tool_use'),
  id: z.string().min(1),
  name: z.string().min(1),
  input: z.record(z.string(), z.unknown()),
  cache_control: cacheControl,
  caller: z.unknown().optional(),
});

// Block kinds the sandbox never produces but must accept when a caller replays them (images, documents, thinking).
const PassThroughBlockParam = z.looseObject({
  type: z.enum([
    'image',
    'document',
    'search_result',
    'thinking',
    'redacted_thinking',
    'server_tool_use',
    'web_search_tool_result',
    'web_fetch_tool_result',
    'tool_reference',
  ]),
  cache_control: cacheControl,
});

const ToolResultBlockParam = z.object({
  type: z.literal('tool_result'),
  tool_use_id: z.string().min(1),
  content: z.union([z.string(), z.array(z.union([TextBlockParam, PassThroughBlockParam]))]).optional(),
  is_error: z.boolean().optional(),
  cache_control: cacheControl,
});

export const ContentBlockParam = z.union([
  TextBlockParam,
  ToolUseBlockParam,
  ToolResultBlockParam,
  PassThroughBlockParam,
]);
export type ContentBlockParam = z.infer<typeof ContentBlockParam>;
export type ToolResultBlockParam = z.infer<typeof ToolResultBlockParam>;

const MessageParam = z.object({
  role: z.enum(['user', 'assistant', 'system']),
  content: z.union([z.string(), z.array(ContentBlockParam)]),
});
export type MessageParam = z.infer<typeof MessageParam>;

// Loose because input_schema is arbitrary JSON Schema; the policy reads it through its own guarded walker.
const CustomTool = z.object({
  type: z.literal('custom').nullish(),
  name: z.string().regex(/^[a-zA-Z0-9_-]{1,128}$/, 'String should match pattern ^[a-zA-Z0-9_-]{1,128}$'),
  description: z.string().optional(),
  input_schema: z.looseObject({ type: z.literal('object') }),
  cache_control: cacheControl,
  strict: z.boolean().optional(),
});
// Server tools (web search, bash, ...) carry a dated type; they are accepted and ignored: the policy never calls them.
const ServerTool = z.looseObject({
  type: z.string().regex(/^[a-z_]+_\d{8}$/),
  name: z.string().min(1),
  cache_control: cacheControl,
});
export const ToolParam = z.union([CustomTool, ServerTool]);
export type ToolParam = z.infer<typeof ToolParam>;

const ToolChoice = z.discriminatedUnion('type', [
  z.object({ type: z.literal('auto'), disable_parallel_tool_use: z.boolean().optional() }),
  z.object({ type: z.literal('any'), disable_parallel_tool_use: z.boolean().optional() }),
  z.object({ type: z.literal('tool'), name: z.string().min(1), disable_parallel_tool_use: z.boolean().optional() }),
  z.object({ type: z.literal('none') }),
]);

// Strict like the real API ("Extra inputs are not permitted"), but listing every field the SDK can send so a newer
// agent feature does not trip the sandbox. Sampling parameters stay for callers on older SDKs.
export const MessagesRequest = z.strictObject({
  model: z.string().min(1),
  max_tokens: z.number().int().min(1),
  messages: z.array(MessageParam).min(1),
  system: z.union([z.string(), z.array(TextBlockParam)]).optional(),
  tools: z.array(ToolParam).optional(),
  tool_choice: ToolChoice.optional(),
  cache_control: cacheControl,
  stream: z.boolean().optional(),
  stop_sequences: z.array(z.string()).optional(),
  metadata: z.object({ user_id: z.string().nullish() }).optional(),
  temperature: z.number().min(0).max(1).optional(),
  top_p: z.number().min(0).max(1).optional(),
  top_k: z.number().int().min(0).optional(),
  thinking: z.unknown().optional(),
  service_tier: z.enum(['auto', 'standard_only']).optional(),
  container: z.unknown().optional(),
  diagnostics: z.unknown().optional(),
  inference_geo: z.string().nullish(),
  output_config: z.unknown().optional(),
  speed: z.enum(['standard', 'fast']).nullish(),
  user_profile_id: z.string().optional(),
  workspace_id: z.string().optional(),
});
export type MessagesRequest = z.infer<typeof MessagesRequest>;

// count_tokens takes the same prompt fields but no generation settings.
export const CountTokensRequest = MessagesRequest.pick({
  model: true,
  messages: true,
  system: true,
  tools: true,
  tool_choice: true,
  cache_control: true,
  thinking: true,
  output_config: true,
});

export type ErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'request_too_large'
  | 'rate_limit_error'
  | 'api_error'
  | 'overloaded_error';

export interface ErrorBody {
  type: 'error';
  error: { type: ErrorType; message: string };
  request_id: string;
}

export type ContentBlock =
  | { type: 'text'; text: string; citations: null }
  | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown>; caller: { type: 'direct' } };

export type StopReason = 'end_turn' | 'max_tokens' | 'stop_sequence' | 'tool_use' | 'refusal';

export interface Usage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  cache_creation: { ephemeral_5m_input_tokens: number; ephemeral_1h_input_tokens: number };
  service_tier: 'standard';
}

export interface MessageResponse {
  id: string;
  type: 'message';
  role: 'assistant';
  model: string;
  content: ContentBlock[];
  stop_reason: StopReason;
  stop_sequence: null;
  stop_details: { type: 'refusal'; category: null; explanation: string } | null;
  container: null;
  usage: Usage;
}

/** Formats the first zod issue like the real API does: `messages.0.content: <what is wrong>`. */
export function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid request';
  const path = issue.path.map(String).join('.');
  return path ? `${path}: ${issue.message}` : issue.message;
}

function blocksOf(message: MessageParam): ContentBlockParam[] {
  return typeof message.content === 'string' ? [] : message.content;
}

/**
 * Conversation-shape rules the real API enforces beyond field types. Catching these in the sandbox matters because
 * an agent that drops or reorders tool_result blocks would otherwise only fail against real Claude.
 */
export function checkConversation(messages: readonly MessageParam[]): string | null {
  for (const [i, message] of messages.entries()) {
    const empty = typeof message.content === 'string' ? message.content.length === 0 : message.content.length === 0;
    if (empty && !(i === messages.length - 1 && message.role === 'assistant')) {
      return `messages.${i}: all messages must have non-empty content except for the optional final assistant message`;
    }
    const useIds = blocksOf(message).flatMap((b) => (b.type === 'tool_use' ? [b.id] : []));
    if (useIds.length > 0) {
      const next = messages[i + 1];
      const resultIds = new Set(
        next?.role === 'user' ? blocksOf(next).flatMap((b) => (b.type === 'tool_result' ? [b.tool_use_id] : [])) : [],
      );
      const missing = useIds.filter((id) => !resultIds.has(id));
      if (missing.length > 0) {
        return `messages.${i + 1}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${missing.join(', ')}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`;
      }
    }
    const resultBlocks = blocksOf(message).flatMap((b) => (b.type === 'tool_result' ? [b] : []));
    if (resultBlocks.length > 0) {
      const prev = messages[i - 1];
      const prevUseIds = new Set(
        prev?.role === 'assistant' ? blocksOf(prev).flatMap((b) => (b.type === 'tool_use' ? [b.id] : [])) : [],
      );
      const stray = resultBlocks.find((b) => !prevUseIds.has(b.tool_use_id));
      if (stray) {
        return `messages.${i}.content: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${stray.tool_use_id}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`;
      }
    }
  }
  return null;
}

export function checkTools(tools: readonly ToolParam[] | undefined): string | null {
  const seen = new Set<string>();
  for (const tool of tools ?? []) {
    if (seen.has(tool.name)) return 'tools: Tool names must be unique.';
    seen.add(tool.name);
  }
  return null;
}
