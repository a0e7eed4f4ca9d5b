import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadConfig, requireVaultKey } from '../../src/config.js';
import { ConfigError } from '../../src/errors.js';

describe('loadConfig', () => {
  it('applies documented defaults', () => {
    const cfg = loadConfig({});
    expect(cfg.PORT).toBe(3000);
    expect(cfg.ANTHROPIC_MODEL).toBe('claude-sonnet-4-6');
    expect(cfg.DATABASE_URL).toBeUndefined();
    expect(cfg.LOG_MODEL_CONTENT).toBe(false);
    expect(Object.isFrozen(cfg)).toBe(true);
  });

  it('names the key but never echoes the value of a malformed vault key', () => {
    const bad = 'not-a-real-key-but-secret-looking';
    try {
      loadConfig({ DESKPILOT_VAULT_KEY: bad });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as Error).message).toContain('DESKPILOT_VAULT_KEY');
      expect((err as Error).message).not.toContain(bad);
    }
  });

  it('requires a vault key for roles that hold credentials', () => {
    expect(() => requireVaultKey(loadConfig({}))).toThrow(/DESKPILOT_VAULT_KEY: required/);
    const key = randomBytes(32).toString('base64');
    expect(requireVaultKey(loadConfig({ DESKPILOT_VAULT_KEY: key }))).toBe(key);
  });

  it('parses booleans strictly ("false" stays false)', () => {
    expect(loadConfig({ LOG_MODEL_CONTENT: 'false' }).LOG_MODEL_CONTENT).toBe(false);
    expect(() => loadConfig({ LOG_MODEL_CONTENT: 'yes' })).toThrow(ConfigError);
  });

  it('refuses placeholder secrets in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', ADMIN_TOKEN: 'changeme' })).toThrow(/at least 16/);
    expect(() => loadConfig({ NODE_ENV: 'production', INTERCOM_CLIENT_SECRET: 'changeme' })).toThrow(/placeholder/);
  });

  it('requires PUBLIC_URL for OAuth in production, so the redirect never comes from a Host header', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', INTERCOM_CLIENT_ID: 'abc' })).toThrow(/PUBLIC_URL: required/);
    const ok = loadConfig({ NODE_ENV: 'production', INTERCOM_CLIENT_ID: 'abc', PUBLIC_URL: 'https://dp.example.com' });
    expect(ok.PUBLIC_URL).toBe('https://dp.example.com');
  });
});
