-- The admit op: when may a new job of this tenant start so that its first call finds budget? Runs after
-- window-state.lua and before window-limiter.lua in the same script (window-limiter.ts joins them).
--
-- The job gets the next slot of each bucket's queue (nextSlot in window-state.lua) and starts when both are
-- open, so jobs of a saturated tenant leave the queue one by one as budget opens instead of being taken, denied
-- and delayed (ARCHITECTURE: Fair scheduling). Nothing is charged: the job's calls take tokens when it runs.
-- ARGV as for take (7 cost, 8/9 budgets, 10 reserve, 12 burst, 13 pace).

if op == 'admit' then
  local cost = tonumber(ARGV[7])
  local budgets = { tonumber(ARGV[8]), tonumber(ARGV[9]) }
  local a0 = (1 - tonumber(ARGV[10])) * tonumber(ARGV[12])
  local pace = (W - early - late) * tonumber(ARGV[13])
  local at, deniedBy = now, 0
  for i, key in ipairs(KEYS) do
    local s = load(key)
    roll(s, now)
    local t = nextSlot(s, budgets[i], cost, a0, pace)
    save(s)
    if t > now then
      deniedBy = deniedBy + i
    end
    at = math.max(at, t)
  end
  if at <= now then
    return { 1, 0, 0 }
  end
  return { 0, math.ceil(at - now), deniedBy }
end
