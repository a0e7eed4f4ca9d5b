import { describe, expect, it } from 'vitest';
import { DEFAULT_RESERVES, windowBudget } from '../../../src/limiter/limits.js';

describe('windowBudget', () => {
  it('splits a minute into six Intercom windows, rounding down as Intercom does, then applies the margin', () => {
    expect(windowBudget(1_000, 0)).toBe(166);
    expect(windowBudget(600, 0.02)).toBe(98);
    expect(windowBudget(25_000, 0.02)).toBe(4_082);
    expect(windowBudget(10_000, 0.02)).toBe(1_632);
  });

  it('refuses limits that leave no budget', () => {
    expect(() => windowBudget(0, 0)).toThrow(RangeError);
    expect(() => windowBudget(5, 0)).toThrow(RangeError);
    expect(() => windowBudget(Number.NaN, 0)).toThrow(RangeError);
  });

  it('orders the reserves: replies may use everything, background leaves the most', () => {
    expect(DEFAULT_RESERVES.reply).toBe(0);
    expect(DEFAULT_RESERVES.action).toBeGreaterThan(DEFAULT_RESERVES.reply);
    expect(DEFAULT_RESERVES.background).toBeGreaterThan(DEFAULT_RESERVES.action);
  });
});
