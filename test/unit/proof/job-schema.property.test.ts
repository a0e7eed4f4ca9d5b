// Property tests for the job catalog: ConversationEventJob is strict (no extra keys, bounded ids) and
// jobIdFor always yields an id BullMQ accepts (no ':', never integer-looking).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConversationEventJob, ConversationTask, jobIdFor } from '../../../src/queue/jobs.js';

// Generous: the property runs are CPU-bound and this 2-core machine is shared with other suites.
const SLOW_OK = { timeout: 30_000 };

const validJob = fc.record({
  tenantId: fc.string({ minLength: 1, maxLength: 128 }),
  conversationId: fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/),
  topic: fc.string({ minLength: 1, maxLength: 128 }),
  eventId: fc.string({ minLength: 1, maxLength: 128 }),
  eventCreatedAtMs: fc.maxSafeNat(),
  receivedAtMs: fc.maxSafeNat(),
  trigger: fc.constantFrom('webhook', 'sweep', 'recovery', 'replay'),
  task: fc.constantFrom(...ConversationTask.options),
});
const KEYS = Object.keys(ConversationEventJob.shape);

/** BullMQ's own checks (classes/job.js validateOptions). */
function bullmqAccepts(id: string): boolean {
  return `${parseInt(id, 10)}` !== id && !id.includes(':');
}

describe('ConversationEventJob (properties)', () => {
  it('accepts every well-formed job', SLOW_OK, () => {
    fc.assert(
      fc.property(validJob, (job) => {
        expect(ConversationEventJob.safeParse(job).success).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('rejects any extra key', SLOW_OK, () => {
    fc.assert(
      fc.property(
        validJob,
        fc.string({ minLength: 1, maxLength: 20 }).filter((k) => !KEYS.includes(k) && k !== '__proto__'),
        fc.jsonValue(),
        (job, key, value) => {
          expect(ConversationEventJob.safeParse({ ...job, [key]: value }).success).toBe(false);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('rejects bad ids and bad numbers', SLOW_OK, () => {
    const badConversation = fc.oneof(
      fc.constant(''),
      fc.stringMatching(/^[A-Za-z0-9_-]{65,80}$/),
      fc.string({ minLength: 1, maxLength: 30 }).filter((s) => /[^A-Za-z0-9_-]/.test(s)),
    );
    const badId = fc.oneof(
      fc.constant(''),
      fc.string({ minLength: 129, maxLength: 200 }),
      fc.integer(),
      fc.constant(null),
    );
    const badNumber = fc.oneof(fc.integer({ max: -1 }), fc.double({ noInteger: true }), fc.constant('1'));
    fc.assert(
      fc.property(
        validJob,
        fc.oneof(
          badConversation.map((v) => ({ conversationId: v as unknown })),
          badId.map((v) => ({ tenantId: v as unknown })),
          badId.map((v) => ({ eventId: v as unknown })),
          badNumber.map((v) => ({ eventCreatedAtMs: v as unknown })),
          badNumber.map((v) => ({ receivedAtMs: v as unknown })),
          fc.string().map((v) => ({ trigger: v as unknown })),
        ),
        (job, patch) => {
          expect(ConversationEventJob.safeParse({ ...job, ...patch }).success).toBe(false);
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('rejects a job with a missing key', SLOW_OK, () => {
    fc.assert(
      fc.property(validJob, fc.constantFrom(...KEYS), (job, key) => {
        const copy: Record<string, unknown> = { ...job };
        delete copy[key];
        expect(ConversationEventJob.safeParse(copy).success).toBe(false);
      }),
    );
  });
});

describe('jobIdFor (properties)', () => {
  it('never yields a ":" or an integer-looking id, and stays bounded', SLOW_OK, () => {
    fc.assert(
      fc.property(
        fc.constantFrom('evt', 'sweep', 'rec'),
        fc.oneof(fc.string({ maxLength: 300 }), fc.stringMatching(/^[0-9:]{0,40}$/), fc.string({ unit: 'binary' })),
        (kind: 'evt' | 'sweep' | 'rec', raw) => {
          const id = jobIdFor(kind, raw);
          expect(bullmqAccepts(id)).toBe(true);
          expect(id.startsWith(`${kind}_`)).toBe(true);
          expect(id.length).toBeLessThanOrEqual(kind.length + 1 + 160);
          expect(id).toMatch(/^[A-Za-z0-9_.-]+$/);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('is injective on ids already in its alphabet (distinct notifications never share a job)', SLOW_OK, () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[A-Za-z0-9_.-]{1,160}$/),
        fc.stringMatching(/^[A-Za-z0-9_.-]{1,160}$/),
        (a, b) => {
          fc.pre(a !== b);
          expect(jobIdFor('evt', a)).not.toBe(jobIdFor('evt', b));
        },
      ),
    );
  });
});
