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

  it('accepts only the tested Intercom versions, with a one-line reason', () => {
    expect(loadConfig({ INTERCOM_VERSION: '2.16' }).INTERCOM_VERSION).toBe('2.16');
    expect(() => loadConfig({ INTERCOM_VERSION: '2.14' })).toThrow(
      'invalid configuration: INTERCOM_VERSION: must be 2.15 or 2.16, the tested Intercom versions',
    );
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

describe('loadConfig: deployment files', () => {
  it('treats a blank variable as unset, as Compose passes `VAR=` lines from .env', () => {
    const cfg = loadConfig({
      DATABASE_URL: '',
      ANTHROPIC_API_KEY: '',
      ADMIN_TOKEN: ' ',
      PORT: '',
      LOG_MODEL_CONTENT: '',
      DESKPILOT_VAULT_PREVIOUS_KEYS: '',
      PUBLIC_URL: '',
    });
    expect(cfg.DATABASE_URL).toBeUndefined();
    expect(cfg.ANTHROPIC_API_KEY).toBeUndefined();
    expect(cfg.ADMIN_TOKEN).toBeUndefined();
    expect(cfg.PORT).toBe(3000);
    expect(cfg.LOG_MODEL_CONTENT).toBe(false);
    expect(cfg.DESKPILOT_VAULT_PREVIOUS_KEYS).toEqual([]);
  });

  it('refuses a REDIS_URL or DATABASE_URL that is not a URL of the right kind, without echoing it', () => {
    for (const bad of ['notaurl', 'http://127.0.0.1:6379', 'redis//x', 'postgres://u:p@h/db']) {
      expect(() => loadConfig({ REDIS_URL: bad })).toThrow(/^invalid configuration: REDIS_URL: must be a redis:\/\//);
    }
    expect(() => loadConfig({ DATABASE_URL: 'redis://u:hunter2@h:1' })).toThrow(/DATABASE_URL: must be a postgres/);
    try {
      loadConfig({ DATABASE_URL: 'mysql://u:hunter2@h/db' });
      expect.unreachable();
    } catch (err) {
      expect((err as Error).message).not.toContain('hunter2');
    }
    expect(loadConfig({ REDIS_URL: 'rediss://:pw@cache.example.com:6380/2' }).REDIS_URL).toContain('rediss://');
    const cluster = 'redis+cluster://:pw@10.0.0.1:7000,10.0.0.2:7000';
    expect(loadConfig({ REDIS_URL: cluster }).REDIS_URL).toBe(cluster);
    expect(() => loadConfig({ REDIS_URL: 'redis+cluster://' })).toThrow(/REDIS_URL: must be a redis/);
    expect(loadConfig({ DATABASE_URL: 'postgresql://u@h/db' }).DATABASE_URL).toBe('postgresql://u@h/db');
  });

  it('accepts LOG_FORMAT json (default) or pretty only', () => {
    expect(loadConfig({}).LOG_FORMAT).toBe('json');
    expect(loadConfig({ LOG_FORMAT: 'pretty' }).LOG_FORMAT).toBe('pretty');
    expect(() => loadConfig({ LOG_FORMAT: 'text' })).toThrow(/LOG_FORMAT/);
  });
});
