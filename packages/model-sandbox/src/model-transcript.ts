// Reads what the scripted policy needs out of a Messages request: the rendered conversation (the contract with
// the agent's prompt renderer), the teams listed in the system prompt, the tools offered, and the tool calls
// already made with their results. Pure: no I/O, so the policy can be unit tested on plain objects.
import type { MessageParam, MessagesRequest, ToolResultBlockParam } from './model-wire.js';

export interface Part {
  author: string;
  at: string;
  text: string;
  /** `private_note` for teammates' notes; null for messages. */
  kind: string | null;
}

export interface Team {
  name: string;
  id: string;
  handles: string;
}

export interface OfferedTool {
  name: string;
  description: string;
  inputSchema: unknown;
}

/** One tool call the assistant made earlier in this run, with the result the caller sent back (if any yet). */
export interface Exchange {
  name: string;
  input: Record<string, unknown>;
  result: { text: string; isError: boolean } | null;
}

export interface Transcript {
  conversationId: string | null;
  state: string | null;
  assignee: string | null;
  parts: Part[];
  task: string;
  /** Lowercased text of the newest customer part: what the rules match on. */
  customerText: string;
  teams: Team[];
  tools: ReadonlyMap<string, OfferedTool>;
  exchanges: Exchange[];
}

const ENTITIES: Record<string, string> = { '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'", '&apos;': "'" };

function unescapeXml(text: string): string {
  // &amp; last, so "&amp;lt;" stays the literal text "&lt;".
  return text.replace(/&(lt|gt|quot|#39|apos);/g, (m) => ENTITIES[m] ?? m).replace(/&amp;/g, '&');
}

function attr(tag: string, name: string): string | null {
  const m = new RegExp(`\\b${name}="([^"]*)"`).exec(tag);
  return m?.[1] === undefined ? null : unescapeXml(m[1]);
}

function textOf(content: MessageParam['content'] | ToolResultBlockParam['content']): string {
  if (content === undefined) return '';
  if (typeof content === 'string') return content;
  return content.flatMap((b) => (b.type === 'text' && typeof b.text === 'string' ? [b.text] : [])).join('\n');
}

function systemText(system: MessagesRequest['system']): string {
  if (system === undefined) return '';
  return typeof system === 'string' ? system : system.map((b) => b.text).join('\n');
}

/** Teams as the agent's system prompt lists them: `- Team <name>[ (id <id>)][: <what it handles>]`. */
export function parseTeams(system: string): Team[] {
  const teams: Team[] = [];
  for (const m of system.matchAll(/^\s*[-*]\s*Team\s+([^:\n(]+?)(?:\s+\(id\s+([^)]+)\))?\s*(?::\s*(.*))?$/gm)) {
    const [, name, id, handles] = m;
    if (name) teams.push({ name: name.trim(), id: (id ?? '').trim(), handles: (handles ?? '').trim() });
  }
  return teams;
}

function parseConversation(text: string): Pick<Transcript, 'conversationId' | 'state' | 'assignee' | 'parts' | 'task'> {
  const task = /<task>\s*([\s\S]*?)\s*<\/task>/.exec(text)?.[1]?.trim().toLowerCase() ?? 'new_message';
  const open = /<conversation\b[^>]*>/.exec(text);
  if (!open) {
    // Not rendered by the agent (someone trying the sandbox by hand): treat the whole message as the customer's.
    return {
      conversationId: null,
      state: null,
      assignee: null,
      task,
      parts: [{ author: 'customer', at: '', text, kind: null }],
    };
  }
  const parts: Part[] = [];
  for (const m of text.matchAll(/<part\b([^>]*)>([\s\S]*?)<\/part>/g)) {
    const tag = m[1] ?? '';
    parts.push({
      author: attr(tag, 'author') ?? 'unknown',
      at: attr(tag, 'at') ?? '',
      text: unescapeXml(m[2] ?? ''),
      kind: attr(tag, 'kind'),
    });
  }
  return {
    conversationId: attr(open[0], 'id'),
    state: attr(open[0], 'state'),
    assignee: attr(open[0], 'assignee'),
    parts,
    task,
  };
}

function exchangesOf(messages: readonly MessageParam[]): Exchange[] {
  const results = new Map<string, { text: string; isError: boolean }>();
  for (const m of messages) {
    if (typeof m.content === 'string' || m.role !== 'user') continue;
    for (const b of m.content) {
      if (b.type === 'tool_result')
        results.set(b.tool_use_id, { text: textOf(b.content), isError: b.is_error === true });
    }
  }
  const out: Exchange[] = [];
  for (const m of messages) {
    if (typeof m.content === 'string' || m.role !== 'assistant') continue;
    for (const b of m.content) {
      if (b.type === 'tool_use') out.push({ name: b.name, input: b.input, result: results.get(b.id) ?? null });
    }
  }
  return out;
}

/** The system prompt as plain text. */
export function systemPromptOf(req: Pick<MessagesRequest, 'system'>): string {
  return systemText(req.system);
}

export function readTranscript(req: Pick<MessagesRequest, 'messages' | 'system' | 'tools'>): Transcript {
  const firstUser = req.messages.find((m) => m.role === 'user');
  const conversation = parseConversation(firstUser ? textOf(firstUser.content) : '');
  const latestCustomer = conversation.parts.filter((p) => p.author === 'customer').at(-1);
  const tools = new Map<string, OfferedTool>();
  for (const t of req.tools ?? []) {
    if ('input_schema' in t) {
      tools.set(t.name, {
        name: t.name,
        description: typeof t.description === 'string' ? t.description : '',
        inputSchema: t.input_schema,
      });
    }
  }
  return {
    ...conversation,
    customerText: (latestCustomer?.text ?? '').toLowerCase(),
    teams: parseTeams(systemText(req.system)),
    tools,
    exchanges: exchangesOf(req.messages),
  };
}
