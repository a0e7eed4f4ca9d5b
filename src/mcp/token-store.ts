// MCP bearer tokens (ARCHITECTURE: the MCP face). A token is `dpm_` + 32 random bytes (base64url): shown once at
// creation, stored only as its SHA-256. A presented token is found by its hash (one unique-index lookup) and the
// stored hash is compared again in constant time; expired and revoked tokens fail closed.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Db } from '../db/database.js';
import { newId } from '../db/ids.js';
import type { McpToken } from '../db/schema.js';
import { dbNow } from '../db/sql.js';

export const TOKEN_PREFIX = 'dpm_';
export const MCP_SCOPES = ['read', 'write'] as const;
export type McpScope = (typeof MCP_SCOPES)[number];

/** What a verified token grants: never the token or its hash. */
export interface McpPrincipal {
  tokenId: string;
  tenantId: string;
  label: string;
  scopes: readonly McpScope[];
}

export type VerifyResult =
  { ok: true; principal: McpPrincipal } | { ok: false; reason: 'malformed' | 'unknown' | 'expired' | 'revoked' };

/** A token as the CLI lists it: no hash. */
export type McpTokenInfo = Omit<McpToken, 'token_hash' | 'scopes'> & { scopes: McpScope[] };

export interface McpTokenStore {
  create(input: { tenantId: string; label: string; scopes: readonly McpScope[]; ttlMs: number }): Promise<{
    token: string;
    info: McpTokenInfo;
  }>;
  list(tenantId: string): Promise<McpTokenInfo[]>;
  find(tokenId: string): Promise<McpTokenInfo | undefined>;
  /** True for the call that revoked it; false when it was unknown or already revoked. */
  revoke(tokenId: string): Promise<boolean>;
  verify(token: string): Promise<VerifyResult>;
}

const hashOf = (token: string) => createHash('sha256').update(token, 'utf8').digest();
const TOKEN_SHAPE = /^dpm_[A-Za-z0-9_-]{43}$/;
/** last_used_at is a hint for operators; writing it on every call would put a row update on every read. */
const TOUCH_EVERY_MS = 60_000;

/** `write` includes `read`: a write token sees every tool its tenant allows. */
export function scopesFor(scope: 'read' | 'write'): McpScope[] {
  return scope === 'write' ? ['read', 'write'] : ['read'];
}

function info(row: McpToken): McpTokenInfo {
  const { token_hash: _hash, scopes, ...rest } = row;
  return { ...rest, scopes: scopes.filter((s): s is McpScope => (MCP_SCOPES as readonly string[]).includes(s)) };
}

export function createMcpTokenStore(d: { db: Db; now?: () => Date; random?: (n: number) => Buffer }): McpTokenStore {
  const now = d.now ?? (() => new Date());
  const random = d.random ?? randomBytes;
  return {
    async create(input) {
      const token = `${TOKEN_PREFIX}${random(32).toString('base64url')}`;
      const row = await d.db
        .insertInto('mcp_tokens')
        .values({
          id: newId('mcp'),
          tenant_id: input.tenantId,
          label: input.label,
          token_hash: hashOf(token).toString('hex'),
          scopes: JSON.stringify(input.scopes),
          expires_at: new Date(now().getTime() + input.ttlMs),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return { token, info: info(row) };
    },
    async list(tenantId) {
      const rows = await d.db
        .selectFrom('mcp_tokens')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .orderBy('created_at', 'desc')
        .execute();
      return rows.map(info);
    },
    async find(tokenId) {
      const row = await d.db.selectFrom('mcp_tokens').selectAll().where('id', '=', tokenId).executeTakeFirst();
      return row ? info(row) : undefined;
    },
    async revoke(tokenId) {
      const r = await d.db
        .updateTable('mcp_tokens')
        .set({ revoked_at: dbNow() })
        .where('id', '=', tokenId)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
    async verify(token) {
      if (!TOKEN_SHAPE.test(token)) return { ok: false, reason: 'malformed' };
      const presented = hashOf(token);
      const row = await d.db
        .selectFrom('mcp_tokens')
        .selectAll()
        .where('token_hash', '=', presented.toString('hex'))
        .executeTakeFirst();
      if (!row || !timingSafeEqual(Buffer.from(row.token_hash, 'hex'), presented))
        return { ok: false, reason: 'unknown' };
      if (row.revoked_at) return { ok: false, reason: 'revoked' };
      const at = now();
      if (row.expires_at.getTime() <= at.getTime()) return { ok: false, reason: 'expired' };
      if (!row.last_used_at || at.getTime() - row.last_used_at.getTime() > TOUCH_EVERY_MS) {
        await d.db.updateTable('mcp_tokens').set({ last_used_at: at }).where('id', '=', row.id).execute();
      }
      return {
        ok: true,
        principal: { tokenId: row.id, tenantId: row.tenant_id, label: row.label, scopes: info(row).scopes },
      };
    },
  };
}
