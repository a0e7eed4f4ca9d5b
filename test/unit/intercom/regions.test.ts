import { describe, expect, it } from 'vitest';
import { INTERCOM_HOSTS, intercomBaseUrl, parseIntercomRegion } from '../../../src/intercom/regions.js';

describe('intercomBaseUrl', () => {
  it('picks the regional host', () => {
    expect(intercomBaseUrl('US')).toBe('https://api.intercom.io');
    expect(intercomBaseUrl('EU')).toBe('https://api.eu.intercom.io');
    expect(intercomBaseUrl('AU')).toBe('https://api.au.intercom.io');
    expect(intercomBaseUrl(' eu ')).toBe(INTERCOM_HOSTS.EU);
    expect(intercomBaseUrl('Europe')).toBe(INTERCOM_HOSTS.EU);
  });

  it('falls back to the US host for unknown regions', () => {
    expect(intercomBaseUrl('')).toBe(INTERCOM_HOSTS.US);
    expect(intercomBaseUrl('Mars')).toBe(INTERCOM_HOSTS.US);
  });

  it('lets INTERCOM_BASE_URL override every region, without a trailing slash', () => {
    expect(intercomBaseUrl('EU', 'http://127.0.0.1:4010/')).toBe('http://127.0.0.1:4010');
    expect(intercomBaseUrl('AU', '  ')).toBe(INTERCOM_HOSTS.AU);
  });

  it('parses regions from /me', () => {
    expect(parseIntercomRegion('US')).toBe('US');
    expect(parseIntercomRegion(null)).toBeUndefined();
    expect(parseIntercomRegion('Australia')).toBe('AU');
  });
});
