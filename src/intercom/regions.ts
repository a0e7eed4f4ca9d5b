// Intercom's regional REST hosts (ARCHITECTURE: Intercom facts). The workspace's region pins the host; an operator override
// (INTERCOM_BASE_URL, e.g. the sandbox) wins over every region.
export type IntercomRegion = 'US' | 'EU' | 'AU';

export const INTERCOM_HOSTS: Readonly<Record<IntercomRegion, string>> = Object.freeze({
  US: 'https://api.intercom.io',
  EU: 'https://api.eu.intercom.io',
  AU: 'https://api.au.intercom.io',
});

const ALIASES: Readonly<Record<string, IntercomRegion>> = {
  US: 'US',
  EU: 'EU',
  EUROPE: 'EU',
  IE: 'EU',
  AU: 'AU',
  AUSTRALIA: 'AU',
};

/** Normalises `/me`'s `app.region` (or a stored connection region); unknown values are undefined. */
export function parseIntercomRegion(region: string | null | undefined): IntercomRegion | undefined {
  if (!region) return undefined;
  return ALIASES[region.trim().toUpperCase()];
}

/** The origin to call for a workspace: override first, then the regional host, else the US host. */
export function intercomBaseUrl(region: string, override?: string): string {
  if (override && override.trim() !== '') return override.trim().replace(/\/+$/, '');
  return INTERCOM_HOSTS[parseIntercomRegion(region) ?? 'US'];
}

const APP_HOSTS: Readonly<Record<IntercomRegion, string>> = Object.freeze({
  US: 'https://app.intercom.com',
  EU: 'https://app.eu.intercom.com',
  AU: 'https://app.au.intercom.com',
});

/** A teammate's link to a conversation or contact in the Intercom inbox of the workspace's region. */
export function intercomInboxUrl(region: string, appId: string, kind: 'conversation' | 'contact', id: string): string {
  const host = APP_HOSTS[parseIntercomRegion(region) ?? 'US'];
  const a = encodeURIComponent(appId);
  const i = encodeURIComponent(id);
  return kind === 'conversation'
    ? `${host}/a/inbox/${a}/inbox/conversation/${i}`
    : `${host}/a/apps/${a}/users/${i}/all-conversations`;
}
