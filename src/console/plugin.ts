// The operator console under /console (serve role; ARCHITECTURE: roles). Owns sign-in, the session cookie and
// CSRF; pages read through src/read-models and never render a token, client secret or vault key.
// Session: a signed cookie holding only its expiry, keyed by ADMIN_TOKEN, so changing the token ends every session.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import fastifyFormbody from '@fastify/formbody';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { AuditLog } from '../audit/audit-log.js';
import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import type { Metrics } from '../metrics.js';
import type { DeadLetters } from '../queue/dead-letters.js';
import { registerSpendMetric } from './spend-metric.js';
import type { TenantStore } from '../vault/tenant-store.js';
import { CSRF_SLOT, csrfField, escapeHtml, html, layout, type Safe } from './html.js';
import { registerAuditPages } from './pages-audit.js';
import { registerDeadLetterPages } from './pages-dead-letters.js';
import { registerOverviewPages } from './pages-overview.js';
import { registerRunPages } from './pages-runs.js';
import { registerScorePages } from './pages-scores.js';

export interface ConsoleDeps {
  config: Pick<Config, 'ADMIN_TOKEN' | 'CONSOLE_SESSION_TTL_MS'>;
  db: Db;
  audit: AuditLog;
  tenants: Pick<TenantStore, 'getTenant' | 'updateTenant'>;
  deadLetters: DeadLetters;
  metrics: Metrics;
  logger: Logger;
  now?: () => Date;
}

/** What each page module gets: its deps and a renderer that fills in the CSRF token and security headers. */
export interface PageKit {
  deps: ConsoleDeps;
  now(): Date;
  page(req: FastifyRequest, reply: FastifyReply, title: string, body: Safe, status?: number): FastifyReply;
}

export const SESSION_COOKIE = 'dp_console';
const PATH = '/console';
const digest = (s: string) => createHash('sha256').update(s).digest();

/** Constant time whatever the lengths (both sides hashed first); false when no token is configured (fail closed). */
export function tokenMatches(expected: string | undefined, given: string): boolean {
  return Boolean(expected) && timingSafeEqual(digest(given), digest(expected ?? ''));
}

const secure = (req: FastifyRequest) => req.protocol === 'https';

export async function registerConsole(app: FastifyInstance, deps: ConsoleDeps): Promise<void> {
  const now = deps.now ?? (() => new Date());
  registerSpendMetric({ registry: deps.metrics.registry, db: deps.db, now });
  const secret = deps.config.ADMIN_TOKEN
    ? createHmac('sha256', deps.config.ADMIN_TOKEN).update('deskpilot console session v1').digest('hex')
    : randomBytes(32).toString('hex'); // no token: nobody can sign in, sessions cannot be forged either

  await app.register(async (scope) => {
    await scope.register(fastifyCookie, { secret });
    await scope.register(fastifyFormbody, { bodyLimit: 65_536 });
    await scope.register(fastifyCsrf, {
      sessionPlugin: '@fastify/cookie',
      cookieKey: 'dp_csrf',
      cookieOpts: { path: PATH, httpOnly: true, sameSite: 'strict', signed: true },
      getToken: (req) => {
        const body = req.body as Record<string, unknown> | undefined;
        return typeof body?._csrf === 'string' ? body._csrf : undefined;
      },
    });

    const kit: PageKit = {
      deps,
      now,
      page(req, reply, title, body, status = 200) {
        const token = reply.generateCsrf({ path: PATH, httpOnly: true, sameSite: 'strict', secure: secure(req) });
        return reply
          .code(status)
          .header('content-type', 'text/html; charset=utf-8')
          .header('cache-control', 'no-store')
          .header(
            'content-security-policy',
            "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
          )
          .header('x-content-type-options', 'nosniff')
          .header('referrer-policy', 'same-origin')
          .send(layout(title, body, { nav: title !== 'Sign in' }).replaceAll(CSRF_SLOT, escapeHtml(token)));
      },
    };

    const signedIn = (req: FastifyRequest): boolean => {
      const c = req.cookies[SESSION_COOKIE];
      if (!c) return false;
      const u = req.unsignCookie(c);
      return u.valid && u.value !== null && Number(u.value) > now().getTime();
    };

    const loginForm = (error?: string) =>
      html`${error ? html`<p class="err">${error}</p>` : ''}
        <form method="post" action="/console/login">
          ${csrfField()}<label
            >Admin token <input type="password" name="token" autocomplete="current-password" required /></label
          ><button>Sign in</button>
        </form>`;

    scope.get(PATH, async (req, reply) => reply.redirect(signedIn(req) ? '/console/overview' : '/console/login', 303));
    scope.get(`${PATH}/login`, async (req, reply) => kit.page(req, reply, 'Sign in', loginForm()));
    scope.post(`${PATH}/login`, { preHandler: scope.csrfProtection }, async (req, reply) => {
      const body = req.body as Record<string, unknown> | undefined;
      const given = typeof body?.token === 'string' ? body.token : '';
      if (!tokenMatches(deps.config.ADMIN_TOKEN, given)) {
        deps.logger.warn({ module: 'console', ip: req.ip }, 'console sign-in refused');
        return kit.page(req, reply, 'Sign in', loginForm('Wrong token.'), 401);
      }
      const expires = now().getTime() + deps.config.CONSOLE_SESSION_TTL_MS;
      reply.setCookie(SESSION_COOKIE, String(expires), {
        path: PATH,
        httpOnly: true,
        sameSite: 'strict',
        secure: secure(req),
        signed: true,
        expires: new Date(expires),
      });
      return reply.redirect('/console/overview', 303);
    });

    await scope.register(async (authed) => {
      authed.addHook('onRequest', async (req, reply) => {
        if (signedIn(req)) return;
        if (req.method === 'GET') return reply.redirect('/console/login', 303);
        return reply.code(401).send({ error: 'unauthorized' });
      });
      // Every POST below checks the CSRF token before its handler runs.
      authed.addHook('preHandler', (req, reply, done) =>
        req.method === 'POST' ? authed.csrfProtection(req, reply, done) : done(),
      );
      authed.post(`${PATH}/logout`, async (req, reply) => {
        reply.clearCookie(SESSION_COOKIE, { path: PATH });
        return reply.redirect('/console/login', 303);
      });
      registerOverviewPages(authed, kit);
      registerRunPages(authed, kit);
      registerDeadLetterPages(authed, kit);
      registerAuditPages(authed, kit);
      registerScorePages(authed, kit);
    });
  });
}
