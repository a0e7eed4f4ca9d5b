// Renders the system and task prompts from prompts/*.md. Conversation text is untrusted: it is escaped so it
// cannot close the <conversation> element or forge a <task>. No secrets or ids beyond the conversation's.
import { isCustomerAuthor } from '../intercom/conversation-facts.js';
import { readFileSync } from 'node:fs';
import type { Tenant, TenantMode } from '../db/schema.js';
import type { IntercomConversation } from '../intercom/schemas.js';
import type { ConversationTask } from './task.js';

export interface PromptTemplates {
  system: string;
  task: string;
  tasks: Record<string, string>;
}

export function loadPromptTemplates(dir: URL = new URL('../../prompts/', import.meta.url)): PromptTemplates {
  const read = (name: string) => readFileSync(new URL(name, dir), 'utf8').replace(/^<!--[\s\S]*?-->\n/, '');
  const tasks: Record<string, string> = {};
  for (const section of read('tasks.md').split(/^## /m).slice(1)) {
    const [name, ...body] = section.split('\n');
    if (name) tasks[name.trim()] = body.join('\n').trim();
  }
  return { system: read('system.md'), task: read('task.md'), tasks };
}

const fill = (template: string, values: Record<string, string>) =>
  template.replace(/\{\{(\w+)\}\}/g, (_m, key: string) => values[key] ?? '');

const MODE_RULES: Record<TenantMode, string> = {
  autonomous: '- You may reply, close and route on your own.',
  assist:
    '- Assist mode: you may not reply to the customer or close. Prepare answers as private notes for teammates, tag and route.',
  shadow:
    '- Shadow mode: act as you normally would; every action is recorded as a private note for review instead of being carried out.',
};

/**
 * `workspaceTeams`: the workspace's own teams, listed when the tenant has no routing table (the assign tools and
 * the policy accept exactly those then).
 */
export function renderSystemPrompt(
  t: PromptTemplates,
  tenant: Tenant,
  workspaceTeams: ReadonlyArray<{ name: string }> = [],
): string {
  const s = tenant.settings;
  const configured = (s.teams ?? []).map((team) => `- Team ${team.name}: ${team.handles}`);
  const teams = (configured.length > 0 ? configured : workspaceTeams.map((team) => `- Team ${team.name}`)).join('\n');
  return fill(t.system, {
    tenant_name: tenant.name,
    tone: s.tone ?? 'friendly, clear and brief',
    mode_rules: MODE_RULES[tenant.mode],
    teams: teams || '- (no teams: leave routing to teammates with a private note)',
    policies: (
      s.policies ?? [
        'Close a conversation only when the customer confirms it is resolved, or it is spam, or abandoned per policy.',
      ]
    )
      .map((p) => `- ${p}`)
      .join('\n'),
  });
}

export function escapeText(s: string): string {
  return s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

function plain(body: string | null | undefined): string {
  return (body ?? '')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/p>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .trim();
}

function role(authorType: string, authorId: string, ownAdminId: string): 'customer' | 'teammate' | 'bot' {
  if (isCustomerAuthor(authorType)) return 'customer';
  if (authorId === ownAdminId || authorType === 'bot') return 'bot';
  return 'teammate';
}

/** Characters of one part the prompt carries; the rest is cut, saying so, so one huge message cannot eat the budget. */
export const MAX_PART_CHARS = 2_000;

function capped(text: string): string {
  if (text.length <= MAX_PART_CHARS) return text;
  return `${text.slice(0, MAX_PART_CHARS)} [truncated: ${text.length - MAX_PART_CHARS} more characters not shown]`;
}

export function renderConversation(conv: IntercomConversation, ownAdminId: string, maxParts = 40): string {
  const assignee = conv.admin_assignee_id
    ? `admin:${conv.admin_assignee_id}`
    : conv.team_assignee_id
      ? `team:${conv.team_assignee_id}`
      : 'none';
  const lines = [`<conversation id="${escapeText(conv.id)}" state="${conv.state}" assignee="${assignee}">`];
  const entries = [
    { author: conv.source.author, body: conv.source.body, at: conv.created_at, type: 'source' },
    ...(conv.conversation_parts?.conversation_parts ?? []).map((p) => ({
      author: p.author,
      body: p.body,
      at: p.created_at,
      type: p.part_type,
    })),
  ].filter((e) => plain(e.body).length > 0);
  for (const e of entries.slice(-maxParts)) {
    const who = role(e.author.type, e.author.id, ownAdminId);
    const kind = e.type === 'note' ? ' kind="private_note"' : '';
    lines.push(
      `<part author="${who}"${kind} at="${new Date(e.at * 1000).toISOString()}">${escapeText(capped(plain(e.body)))}</part>`,
    );
  }
  lines.push('</conversation>');
  return lines.join('\n');
}

export function renderTaskPrompt(
  t: PromptTemplates,
  conv: IntercomConversation,
  ownAdminId: string,
  task: ConversationTask,
): string {
  return fill(t.task, {
    conversation: renderConversation(conv, ownAdminId),
    task,
    task_instructions: t.tasks[task] ?? t.tasks.new_message ?? '',
  }).trim();
}
