// Shared setup for the Intercom client and sandbox tests: a real sandbox on loopback, a token for the seeded
// bot admin and a client factory pointed at it over HTTP (no mocks of our own modules).
import {
  createIntercomClient,
  createIntercomPools,
  type IntercomClient,
  type IntercomClientOptions,
  type IntercomPools,
} from '../../../src/intercom/client.js';
import { createIntercomSandbox, type IntercomSandbox, type IntercomSandboxOptions } from '@deskpilot/intercom-sandbox';

export const PINNED_VERSION = '2.15';

export interface ClientHarness {
  sb: IntercomSandbox;
  pools: IntercomPools;
  token: string;
  client: IntercomClient;
  makeClient(o?: Partial<IntercomClientOptions>): IntercomClient;
  close(): Promise<void>;
}

export async function startClientHarness(opts: IntercomSandboxOptions = {}): Promise<ClientHarness> {
  const sb = await createIntercomSandbox(opts);
  const pools = createIntercomPools();
  const token = sb.issueToken(sb.seed.appId, sb.seed.botAdminId);
  const makeClient = (o: Partial<IntercomClientOptions> = {}) =>
    createIntercomClient({ baseUrl: sb.url, token, version: PINNED_VERSION, tenantId: 'tenant-1', pools, ...o });
  return {
    sb,
    pools,
    token,
    client: makeClient(),
    makeClient,
    async close() {
      await pools.close();
      await sb.close();
    },
  };
}

export async function collect<T>(pages: AsyncIterable<T[]>): Promise<T[][]> {
  const out: T[][] = [];
  for await (const page of pages) out.push(page);
  return out;
}

/** Unix seconds an hour after the sandbox clock (for snoozes). */
export const inAnHour = () => Math.floor(Date.now() / 1000) + 3600;
