// Intercom's OAuth flow in the sandbox (ARCHITECTURE.md: "Intercom facts"): GET /oauth auto-approves and redirects with code and state;
// POST /auth/eagle/token trades the code (single use) for a token. No refresh tokens, like Intercom.
import { z } from 'zod';
import { errorReply, ok, parseBody, type Reply } from './intercom-replies.js';
import type { SandboxStore } from './intercom-store.js';

export interface OAuthClientSpec {
  clientId: string;
  clientSecret: string;
  appId: string;
  adminId: string;
}

const TokenRequest = z.object({
  code: z.string().min(1),
  client_id: z.string().min(1),
  client_secret: z.string().min(1),
});

export function issueToken(store: SandboxStore, t: { appId: string; adminId: string; clientId: string }): string {
  const token = `dG9rOj${store.secret(30)}`;
  store.tokens.set(token, {
    tokenId: `tok_${store.tokens.size + 1}`,
    appId: t.appId,
    adminId: t.adminId,
    clientId: t.clientId,
    revoked: false,
  });
  return token;
}

/** GET /oauth?client_id&state&redirect_uri -> 302 to redirect_uri?code&state (the demo's "install" click). */
export function authorize(store: SandboxStore, query: URLSearchParams): Reply {
  const client = store.oauthClients.get(query.get('client_id') ?? '');
  if (!client) return errorReply(400, 'parameter_invalid', 'Unknown client_id', 'client_id');
  const redirect = query.get('redirect_uri');
  if (!redirect || !URL.canParse(redirect))
    return errorReply(400, 'parameter_invalid', 'redirect_uri is required', 'redirect_uri');
  // Intercom codes may end in '='; keep that so callers must URL-decode properly.
  const code = `${store.secret(18)}=`;
  store.oauthCodes.set(code, { clientId: client.clientId, appId: client.appId, adminId: client.adminId });
  const target = new URL(redirect);
  target.searchParams.set('code', code);
  const state = query.get('state');
  if (state !== null) target.searchParams.set('state', state);
  return { status: 302, body: null, headers: { location: target.toString() } };
}

/** POST /auth/eagle/token {code, client_id, client_secret} -> { token_type, token, access_token }. */
export function exchangeCode(store: SandboxStore, body: unknown): { reply: Reply; appId: string | null } {
  const p = parseBody(TokenRequest, body);
  if (!p.ok) return { reply: p.reply, appId: null };
  const client = store.oauthClients.get(p.data.client_id);
  const grant = store.oauthCodes.get(p.data.code);
  if (!client || client.clientSecret !== p.data.client_secret || !grant || grant.clientId !== client.clientId) {
    return { reply: errorReply(401, 'unauthorized', 'Unauthorized Code'), appId: client?.appId ?? null };
  }
  store.oauthCodes.delete(p.data.code);
  const token = issueToken(store, grant);
  return { reply: ok({ token_type: 'Bearer', token, access_token: token }), appId: grant.appId };
}

/** Form-encoded bodies are accepted too, as OAuth token endpoints usually are. */
export function parseTokenBody(raw: string, contentType: string | undefined): unknown {
  if (contentType?.includes('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(raw));
  return raw === '' ? {} : (JSON.parse(raw) as unknown);
}
