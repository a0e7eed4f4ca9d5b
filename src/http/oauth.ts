// OAuth install for the public Intercom app (ARCHITECTURE.md: "Intercom facts"): /install redirects to Intercom with a signed, expiring,
// single-use `state` bound to the tenant; /callback checks it, has the vault exchange the code and connect the
// workspace (GET /me, workspace must match), then replays the tenant's parked jobs. No token or code is logged.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Cluster, Redis } from 'ioredis';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { ReceiverDeps } from '../deps.js';
import { AppError, CredentialRevokedError, TenantNotFoundError } from '../errors.js';
import { WorkspaceMismatchError } from '../vault/connect.js';
import { connectWithOAuthCode, type ConnectAndResumeDeps } from '../vault/connect-and-resume.js';
import { createOAuthStateSigner, type OAuthStateSigner } from '../vault/oauth-state.js';
import type { TenantStore } from '../vault/tenant-store.js';

export const OAUTH_STATE_TTL_MS = 10 * 60_000;
export const CALLBACK_PATH = '/oauth/intercom/callback';

export interface OAuthRouteDeps {
  clientId: string;
  clientSecret: string;
  authorizeUrl: string;
  /** Public origin for redirect_uri; without it the request's own origin is used. */
  publicUrl?: string | undefined;
  signer: OAuthStateSigner;
  /** Fail-fast connection: the single-use check denies (503) rather than hangs when Redis is down. */
  redis: Redis | Cluster;
  prefix: string;
  tenants: TenantStore;
  connect: ConnectAndResumeDeps;
  logger: Logger;
  now?: () => number;
}

/** Wires the routes from the process deps; undefined when the public app is not configured. */
export function oauthDepsFrom(deps: ReceiverDeps): OAuthRouteDeps | undefined {
  const c = deps.config;
  if (!c.INTERCOM_CLIENT_ID || !c.INTERCOM_CLIENT_SECRET || !deps.intercom) return undefined;
  return {
    clientId: c.INTERCOM_CLIENT_ID,
    clientSecret: c.INTERCOM_CLIENT_SECRET,
    authorizeUrl: c.INTERCOM_OAUTH_URL,
    publicUrl: c.PUBLIC_URL,
    signer: createOAuthStateSigner({
      keyring: deps.keyring,
      ttlMs: OAUTH_STATE_TTL_MS,
    }),
    redis: deps.producerRedis,
    prefix: c.DESKPILOT_PREFIX,
    tenants: deps.tenants,
    connect: { ...deps, vault: deps.intercom.vault },
    logger: deps.logger,
  };
}

const InstallQuery = z.object({ tenant: z.string().min(1).max(128) });
const CallbackQuery = z.object({
  code: z.string().min(1).max(2_048).optional(),
  state: z.string().min(1).max(1_024).optional(),
  error: z.string().max(200).optional(),
});

const STATE_MESSAGES = {
  missing: 'The callback has no state parameter. Start the install again.',
  malformed: 'The state parameter is not one deskpilot issued. Start the install again.',
  bad_signature: 'The state parameter failed verification. Start the install again.',
  expired: 'The install link has expired. Start the install again.',
  used: 'This install link was already used. Start the install again.',
} as const;

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

function answer(
  req: FastifyRequest,
  reply: FastifyReply,
  status: number,
  body: { ok: boolean; error?: string; message: string; [k: string]: unknown },
) {
  reply.code(status).header('cache-control', 'no-store');
  if ((req.headers.accept ?? '').includes('application/json')) return reply.send(body);
  const title = body.ok ? 'Intercom connected' : 'Intercom connection failed';
  return reply
    .type('text/html; charset=utf-8')
    .send(
      `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head>` +
        `<body><h1>${title}</h1><p>${escapeHtml(body.message)}</p></body></html>`,
    );
}

export function registerIntercomOAuth(app: FastifyInstance, d: OAuthRouteDeps): void {
  const log = d.logger.child({ module: 'oauth' });
  const now = d.now ?? Date.now;
  const redirectUri = (req: FastifyRequest) =>
    `${(d.publicUrl ?? `${req.protocol}://${req.host}`).replace(/\/+$/, '')}${CALLBACK_PATH}`;

  app.get('/oauth/intercom/install', async (req, reply) => {
    const q = InstallQuery.safeParse(req.query);
    if (!q.success)
      return answer(req, reply, 400, { ok: false, error: 'invalid_request', message: 'Give ?tenant=<id>.' });
    try {
      await d.tenants.getTenant(q.data.tenant);
    } catch (err) {
      if (err instanceof TenantNotFoundError)
        return answer(req, reply, 404, { ok: false, error: 'tenant_not_found', message: err.message });
      throw err;
    }
    const target = new URL(d.authorizeUrl);
    target.searchParams.set('client_id', d.clientId);
    target.searchParams.set('state', d.signer.sign(q.data.tenant));
    target.searchParams.set('redirect_uri', redirectUri(req));
    return reply.header('cache-control', 'no-store').redirect(target.toString(), 302);
  });

  app.get(CALLBACK_PATH, async (req, reply) => {
    const q = CallbackQuery.safeParse(req.query);
    if (!q.success) return answer(req, reply, 400, { ok: false, error: 'invalid_request', message: 'Bad callback.' });
    const state = d.signer.verify(q.data.state);
    if (!state.ok) {
      log.warn({ reason: state.reason }, 'oauth callback refused: bad state');
      return answer(req, reply, 400, {
        ok: false,
        error: `state_${state.reason}`,
        message: STATE_MESSAGES[state.reason],
      });
    }
    const tenantId = state.tenantId;
    if (q.data.error || !q.data.code) {
      const message = q.data.error
        ? `Intercom did not authorize the install (${q.data.error}).`
        : 'The callback has no code.';
      return answer(req, reply, 400, { ok: false, error: 'not_authorized', message, tenantId });
    }
    // Single use: a leaked callback URL cannot be replayed. The key expires with the state itself.
    const ttlMs = Math.max(1, state.expiresAtMs - now());
    let fresh: string | null;
    try {
      fresh = await d.redis.set(`${d.prefix}:oauth:state:${state.nonce}`, '1', 'PX', ttlMs, 'NX');
    } catch (err) {
      log.error(
        { err: { message: err instanceof Error ? err.message : String(err) } },
        'oauth state check unavailable',
      );
      return answer(req, reply, 503, { ok: false, error: 'unavailable', message: 'Try again in a moment.' });
    }
    if (fresh === null)
      return answer(req, reply, 400, { ok: false, error: 'state_used', message: STATE_MESSAGES.used });

    try {
      const r = await connectWithOAuthCode(d.connect, {
        tenantId,
        code: q.data.code,
        clientId: d.clientId,
        clientSecret: d.clientSecret,
      });
      log.info(
        { tenantId, connectionId: r.connection.id, replayed: r.replayed.length },
        'intercom connected via oauth',
      );
      return answer(req, reply, 200, {
        ok: true,
        message:
          `Tenant ${tenantId} is connected (admin ${r.connection.admin_id}, region ${r.connection.region}).` +
          (r.replayed.length ? ` ${r.replayed.length} parked job(s) resumed.` : ''),
        tenantId,
        connectionId: r.connection.id,
        adminId: r.connection.admin_id,
        region: r.connection.region,
        replayedJobs: r.replayed.length,
      });
    } catch (err) {
      const refusal = classify(err);
      if (!refusal) throw err;
      log.warn({ tenantId, code: refusal.error }, 'oauth callback refused');
      return answer(req, reply, refusal.status, { ok: false, ...refusal, tenantId });
    }
  });
}

function classify(err: unknown): { status: number; error: string; message: string } | undefined {
  if (err instanceof WorkspaceMismatchError)
    return {
      status: 409,
      error: 'workspace_mismatch',
      // The page is shown to whoever followed the link: it must not reveal which workspace the tenant is.
      message:
        'The Intercom workspace you authorized is not the one this install link was made for; nothing was stored. ' +
        'Ask for an install link for your workspace.',
    };
  if (err instanceof CredentialRevokedError)
    return {
      status: 400,
      error: 'code_rejected',
      message: 'Intercom refused the authorization code (expired or already used). Start the install again.',
    };
  if (err instanceof TenantNotFoundError) return { status: 404, error: 'tenant_not_found', message: err.message };
  if (err instanceof AppError)
    return {
      status: err.retryable ? 502 : 400,
      error: err.code,
      message: `Intercom could not complete the connection (${err.code}). Start the install again.`,
    };
  return undefined;
}
