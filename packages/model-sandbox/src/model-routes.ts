// HTTP surface of the model sandbox: the Messages API routes the real SDK calls, and the /__sandbox control routes
// another process uses to drive it. Answers use the real API's error envelope and headers so the SDK maps them to
// its own error classes exactly as it would in production.
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { FaultQueue } from './model-faults.js';
import { FaultSpec } from './model-faults.js';
import { judgeTurn } from './model-judge.js';
import { obeyTurn } from './model-obedient.js';
import { decideTurn, type PlannedBlock } from './model-policy.js';
import { checkBreakpoints, countInputTokens, countOutputTokens, type PromptCache } from './model-usage.js';
import {
  CountTokensRequest,
  MessagesRequest,
  checkConversation,
  checkTools,
  describeIssue,
  type ContentBlock,
  type ErrorBody,
  type ErrorType,
  type MessageResponse,
  type StopReason,
  type Usage,
} from './model-wire.js';

export interface RecordedRequest {
  requestId: string;
  path: string;
  receivedAt: string;
  /** HTTP status the sandbox answered with. */
  status: number;
  /** The JSON body exactly as received (after parsing), so tests can scan what the agent sent for secrets. */
  body: unknown;
  /** The usage a 200 answer reported (cache reads and writes included), for benchmarks of prompt caching. */
  usage?: Usage;
}

export type Persona = 'scripted' | 'obedient';

export interface SandboxState {
  /** null: any non-empty x-api-key is accepted (the default, so anyone can try deskpilot without a key). */
  apiKeyMatches: ((given: string) => boolean) | null;
  /** Whether keyless control routes may answer: only on a loopback address, since they expose every prompt. */
  loopbackOnly: boolean;
  latencyMs: number;
  /** `obedient`: a compromised model that follows instructions in customer text (model-obedient.ts). */
  persona: Persona;
  faults: FaultQueue;
  cache: PromptCache;
  recorded: RecordedRequest[];
  newId: () => string;
  now: () => number;
}

const MAX_RECORDED = 5_000; // the demo and evals run for a while; keep memory bounded

export function sendError(reply: FastifyReply, status: number, type: ErrorType, message: string): FastifyReply {
  const body: ErrorBody = {
    type: 'error',
    error: { type, message },
    request_id: String(reply.getHeader('request-id') ?? ''),
  };
  return reply.code(status).send(body);
}

function record(s: SandboxState, req: FastifyRequest, reply: FastifyReply): RecordedRequest {
  const entry: RecordedRequest = {
    requestId: String(reply.getHeader('request-id') ?? ''),
    path: req.url,
    receivedAt: new Date(s.now()).toISOString(),
    status: 200,
    body: req.body,
  };
  s.recorded.push(entry);
  if (s.recorded.length > MAX_RECORDED) s.recorded.shift();
  return entry;
}

function withIds(s: SandboxState, blocks: readonly PlannedBlock[]): ContentBlock[] {
  return blocks.map((b) =>
    b.type === 'text'
      ? { type: 'text', text: b.text, citations: null }
      : { type: 'tool_use', id: `toolu_${s.newId()}`, name: b.name, input: b.input, caller: { type: 'direct' } },
  );
}

// The real API stops generating at max_tokens: text is cut and an unfinished tool call never reaches the caller.
function fitToMaxTokens(content: ContentBlock[], stop: StopReason, maxTokens: number) {
  if (countOutputTokens(content) <= maxTokens) return { content, stop };
  const text = content.flatMap((b) => (b.type === 'text' ? [b.text] : [])).join('\n');
  const cut = text.slice(0, maxTokens * 4);
  return { content: cut ? [{ type: 'text', text: cut, citations: null } as const] : [], stop: 'max_tokens' as const };
}

async function messages(s: SandboxState, req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  if (s.latencyMs > 0) await sleep(s.latencyMs);
  const entry = record(s, req, reply);
  const answer = (status: number, type: ErrorType, message: string) => {
    entry.status = status;
    return sendError(reply, status, type, message);
  };
  const fault = s.faults.take();
  if (fault) {
    reply.headers(fault.headers);
    return answer(fault.status, fault.type, fault.message);
  }
  const parsed = MessagesRequest.safeParse(req.body);
  if (!parsed.success) return answer(400, 'invalid_request_error', describeIssue(parsed.error));
  const body = parsed.data;
  const shapeError = checkTools(body.tools) ?? checkConversation(body.messages) ?? checkBreakpoints(body);
  if (shapeError) return answer(400, 'invalid_request_error', shapeError);
  if (body.stream)
    return answer(400, 'invalid_request_error', 'stream: the model sandbox only answers non-streaming requests');

  const plan = (s.persona === 'obedient' ? obeyTurn(body) : null) ?? judgeTurn(body) ?? decideTurn(body, s.now);
  const { content, stop } = fitToMaxTokens(withIds(s, plan.content), plan.stopReason, body.max_tokens);
  const response: MessageResponse = {
    id: `msg_${s.newId()}`,
    type: 'message',
    role: 'assistant',
    model: body.model,
    content,
    stop_reason: stop,
    stop_sequence: null,
    stop_details:
      stop === 'refusal'
        ? { type: 'refusal', category: null, explanation: 'Scripted refusal (sandbox trigger).' }
        : null,
    container: null,
    usage: s.cache.usage(body, Math.min(body.max_tokens, countOutputTokens(content))),
  };
  entry.usage = response.usage;
  reply.header('x-sandbox-rule', plan.rule); // lets a human watching the demo see which rule answered
  return reply.code(200).send(response);
}

async function countTokens(req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const parsed = CountTokensRequest.safeParse(req.body);
  if (!parsed.success) return sendError(reply, 400, 'invalid_request_error', describeIssue(parsed.error));
  return reply.send({ input_tokens: countInputTokens(parsed.data) });
}

const LatencyBody = z.object({ ms: z.number().int().min(0).max(60_000) });
const PersonaBody = z.object({ persona: z.enum(['scripted', 'obedient']) });

export interface SandboxControl {
  reset(): void;
  setPersona(persona: Persona): void;
  failNext(spec: FaultSpec): void;
  setLatency(ms: number): void;
  requests(): RecordedRequest[];
}

function controlRoutes(app: FastifyInstance, control: SandboxControl): void {
  app.get('/__sandbox/requests', async () => ({ requests: control.requests() }));
  app.post('/__sandbox/reset', async () => {
    control.reset();
    return { ok: true };
  });
  app.post('/__sandbox/fail-next', async (req, reply) => {
    const spec = FaultSpec.safeParse(req.body ?? {});
    if (!spec.success) return sendError(reply, 400, 'invalid_request_error', describeIssue(spec.error));
    control.failNext(spec.data);
    return { ok: true };
  });
  app.post('/__sandbox/persona', async (req, reply) => {
    const body = PersonaBody.safeParse(req.body ?? {});
    if (!body.success) return sendError(reply, 400, 'invalid_request_error', describeIssue(body.error));
    control.setPersona(body.data.persona);
    return { ok: true };
  });
  app.post('/__sandbox/latency', async (req, reply) => {
    const body = LatencyBody.safeParse(req.body ?? {});
    if (!body.success) return sendError(reply, 400, 'invalid_request_error', describeIssue(body.error));
    control.setLatency(body.data.ms);
    return { ok: true };
  });
}

// @anthropic-ai/sdk 1.x sends the key as `Authorization: Bearer <key>`; older SDKs and curl users send x-api-key.
function credentialOf(req: FastifyRequest): string | null {
  const key = req.headers['x-api-key'];
  if (typeof key === 'string' && key.length > 0) return key;
  const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
  return bearer ?? null;
}

export function registerRoutes(app: FastifyInstance, s: SandboxState, control: SandboxControl): void {
  app.addHook('onRequest', async (req, reply) => {
    reply.header('request-id', `req_${s.newId()}`);
    // Control routes are open unless a key is configured, so scripts can drive a keyless sandbox with plain curl.
    if (req.url.startsWith('/__sandbox/') && !s.apiKeyMatches) {
      if (s.loopbackOnly) return undefined;
      return sendError(
        reply,
        403,
        'permission_error',
        'control routes off loopback need the sandbox started with apiKey',
      );
    }
    // Authentication comes before body parsing, as on the real API: a bad key gets 401 whatever the body.
    const key = credentialOf(req);
    if (!key) return sendError(reply, 401, 'authentication_error', 'x-api-key header is required');
    if (s.apiKeyMatches && !s.apiKeyMatches(key))
      return sendError(reply, 401, 'authentication_error', 'invalid x-api-key');
    if (req.url.startsWith('/v1/') && typeof req.headers['anthropic-version'] !== 'string') {
      return sendError(reply, 400, 'invalid_request_error', 'anthropic-version: header is required');
    }
    return undefined;
  });
  app.setErrorHandler((err: { statusCode?: number; message?: string }, _req, reply) => {
    const status = err.statusCode ?? 500;
    if (status === 413) return sendError(reply, 413, 'request_too_large', 'Request exceeds the maximum allowed size');
    if (status >= 400 && status < 500)
      return sendError(reply, 400, 'invalid_request_error', err.message ?? 'invalid request');
    return sendError(reply, 500, 'api_error', 'Internal server error');
  });
  app.setNotFoundHandler((req, reply) =>
    sendError(reply, 404, 'not_found_error', `Not found: ${req.method} ${req.url}`),
  );
  app.post('/v1/messages', (req, reply) => messages(s, req, reply));
  app.post('/v1/messages/count_tokens', (req, reply) => countTokens(req, reply));
  controlRoutes(app, control);
}
