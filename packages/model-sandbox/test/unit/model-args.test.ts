import { describe, expect, it } from 'vitest';
import { buildArgs, closestEnum } from '../../src/model-args.js';

const now = () => Date.parse('2025-01-01T00:00:00Z');

describe('buildArgs', () => {
  it('fills renamed fields through aliases and drops fields the schema does not have', () => {
    const schema = {
      type: 'object',
      properties: { message: { type: 'string' }, team_name: { type: 'string' } },
      required: ['message'],
    };
    expect(buildArgs(schema, { args: { body: 'hello', team: 'Billing', extra: 1 } }, now)).toEqual({
      ok: true,
      args: { message: 'hello', team_name: 'Billing' },
    });
  });

  it('picks the closest enum value and falls back to other/general for non-strict fields', () => {
    const schema = {
      type: 'object',
      properties: { category: { type: 'string', enum: ['Billing', 'Technical', 'Other'] } },
      required: ['category'],
    };
    expect(buildArgs(schema, { args: { category: 'billing' } }, now)).toEqual({
      ok: true,
      args: { category: 'Billing' },
    });
    expect(buildArgs(schema, { args: { category: 'bug' } }, now)).toEqual({
      ok: true,
      args: { category: 'Technical' },
    });
    expect(buildArgs(schema, { args: { category: 'spam' } }, now)).toEqual({ ok: true, args: { category: 'Other' } });
  });

  it('refuses a strict field whose enum has no value meaning the same', () => {
    const schema = { type: 'object', properties: { reason: { enum: ['customer_confirmed', 'abandoned'] } } };
    const r = buildArgs(schema, { args: { reason: 'spam' }, strict: ['reason'] }, now);
    expect(r.ok).toBe(false);
    expect(buildArgs(schema, { args: { reason: 'resolved' }, strict: ['reason'] }, now)).toEqual({
      ok: true,
      args: { reason: 'customer_confirmed' },
    });
  });

  it('invents bland values for required fields the rule knows nothing about', () => {
    const schema = {
      type: 'object',
      properties: {
        until: { type: 'string', format: 'date-time' },
        confidence: { type: 'number', minimum: 0.5 },
        tags: { type: 'array', items: { type: 'string' }, minItems: 1 },
        notify: { type: 'boolean' },
        optional: { type: 'string' },
      },
      required: ['until', 'confidence', 'tags', 'notify'],
    };
    expect(buildArgs(schema, { args: {} }, now)).toEqual({
      ok: true,
      args: { until: '2025-01-02T00:00:00.000Z', confidence: 0.5, tags: ['n/a'], notify: false },
    });
  });

  it('handles nested objects, anyOf, integer clamping and string limits', () => {
    const schema = {
      type: 'object',
      properties: {
        target: { type: 'object', properties: { team: { type: 'string' } }, required: ['team'] },
        count: { type: 'integer', maximum: 3 },
        label: { anyOf: [{ type: 'null' }, { type: 'string', maxLength: 4 }] },
      },
    };
    expect(buildArgs(schema, { args: { target: { team: 'Billing' }, count: 9.4, label: 'abcdef' } }, now)).toEqual({
      ok: true,
      args: { target: { team: 'Billing' }, count: 3, label: 'abcd' },
    });
  });

  it('passes the intent through for free-form or unreadable schemas', () => {
    expect(buildArgs({ type: 'object' }, { args: { a: 1 } }, now)).toEqual({ ok: true, args: { a: 1 } });
    expect(buildArgs('nonsense', { args: { a: 1 } }, now)).toEqual({ ok: true, args: { a: 1 } });
  });
});

describe('closestEnum', () => {
  it('matches case, separators and synonyms', () => {
    expect(closestEnum('how_to', ['How-To', 'Bug'], true)).toBe('How-To');
    expect(closestEnum('urgent', ['low', 'medium', 'critical'], true)).toBe('critical');
    expect(closestEnum('normal', ['low', 'medium', 'high'], true)).toBe('medium');
    expect(closestEnum('spam', ['abandoned'], true)).toBeNull();
  });
});
