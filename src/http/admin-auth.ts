// Operator authentication for the admin API and the queue UI: `Authorization: Bearer <ADMIN_TOKEN>`, or
// HTTP Basic with the token as password (so a browser can open the queue UI). Fails closed: without a
// configured token every admin route answers 401.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

const digest = (s: string) => createHash('sha256').update(s).digest();

export function presentedAdminToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const [scheme, value] = header.split(' ', 2);
  if (!value) return undefined;
  if (scheme?.toLowerCase() === 'bearer') return value.trim();
  if (scheme?.toLowerCase() === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon >= 0 ? decoded.slice(colon + 1) : undefined;
  }
  return undefined;
}

export function isAdmin(expected: string | undefined, header: string | undefined): boolean {
  const given = presentedAdminToken(header);
  // Compare digests so the comparison is constant-time whatever the lengths.
  return Boolean(expected) && given !== undefined && timingSafeEqual(digest(given), digest(expected ?? ''));
}

export function adminGuard(expected: string | undefined) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    if (isAdmin(expected, req.headers.authorization)) return;
    reply.header('www-authenticate', 'Basic realm="deskpilot admin", charset="UTF-8"');
    return reply.code(401).send({ error: 'unauthorized' });
  };
}
