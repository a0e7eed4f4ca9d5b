// Preload that puts this process's wall clock CHAOS_CLOCK_OFFSET_MS off, as on a host whose clock is wrong:
// `node --import tsx --import ./scripts/chaos/skew-clock.ts ...`. Date.now() and `new Date()` move, for our
// code and BullMQ's alike; timers and performance.now() do not (they are monotonic on a real host too).
const raw = process.env.CHAOS_CLOCK_OFFSET_MS ?? '0';
const offsetMs = Number(raw);
if (!Number.isSafeInteger(offsetMs)) throw new Error(`CHAOS_CLOCK_OFFSET_MS must be an integer, got "${raw}"`);

if (offsetMs !== 0) {
  const RealDate = Date;
  const skewedNow = () => RealDate.now() + offsetMs;
  function SkewedDate(this: unknown, ...args: unknown[]): unknown {
    // Called without `new`, Date returns the current time as a string.
    if (!new.target) return new RealDate(skewedNow()).toString();
    return args.length === 0 ? new RealDate(skewedNow()) : Reflect.construct(RealDate, args, new.target);
  }
  Object.setPrototypeOf(SkewedDate, RealDate); // Date.UTC, Date.parse
  SkewedDate.prototype = RealDate.prototype; // instanceof Date still holds
  SkewedDate.now = skewedNow;
  globalThis.Date = SkewedDate as unknown as DateConstructor;
}

export {};
